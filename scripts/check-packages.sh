#!/usr/bin/env bash
# Packs the two NuGet packages and checks them as a user would get them: the library (SharpVL) and the RID-specific
# tool (SharpVL.Cli, a pointer package plus SharpVL.Cli.linux-x64). Each must be under nuget.org's 250 MB limit, carry
# its README, and have symbols (.snupkg) with a SourceLink map; the tool is then installed from the local folder into a
# temporary tool path and must run `sharpvl --version` and classify the fixture clip (decoded by the video worker).
# Usage: scripts/check-packages.sh [output-folder]     (default: artifacts/packages; prints the package sizes)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/packages}"
limit=$((250 * 1000 * 1000))
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "PACKAGE CHECK FAILED: $*"; exit 1; }

rm -rf "$out"
mkdir -p "$out"
echo "== dotnet pack (Release) into $out"
dotnet pack src/SharpVL/SharpVL.csproj -c Release -o "$out" -nologo -v quiet >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; fail "dotnet pack src/SharpVL"; }
dotnet pack src/SharpVL.Cli/SharpVL.Cli.csproj -c Release -o "$out" -nologo -v quiet >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; fail "dotnet pack src/SharpVL.Cli"; }

for package in "SharpVL.$version" "SharpVL.Cli.$version" "SharpVL.Cli.linux-x64.$version"; do
  file="$out/$package.nupkg"
  [ -f "$file" ] || fail "$file was not created"
  size=$(stat -c %s "$file")
  awk -v name="$package.nupkg" -v size="$size" 'BEGIN { printf "%-40s %8.1f MB\n", name, size / 1000000 }'
  [ "$size" -lt "$limit" ] || fail "$file is $size bytes, over nuget.org's 250 MB limit"
  # (listings are captured first: grep -q closing a pipe early would fail the pipeline under pipefail)
  listing=$(unzip -Z1 "$file")
  grep -qx 'README.md' <<<"$listing" || fail "$file has no README.md"
done
for package in "SharpVL.$version" "SharpVL.Cli.linux-x64.$version"; do
  symbols="$out/$package.snupkg"
  [ -f "$symbols" ] || fail "$symbols (symbols) was not created"
  unzip -q -o "$symbols" '*.pdb' -d "$work/$package"
  pdbs=$(find "$work/$package" -name '*.pdb' | wc -l)
  [ "$pdbs" -gt 0 ] || fail "$symbols holds no PDB"
  for pdb in $(find "$work/$package" -name 'SharpVL*.pdb'); do
    grep -a -q '{"documents":{"[^"]*":"https://raw.githubusercontent.com/' "$pdb" || fail "$pdb has no SourceLink map"
  done
done
tool="$out/SharpVL.Cli.linux-x64.$version.nupkg"
listing=$(unzip -Z1 "$tool")
if grep -qE 'libtorch_python|runtimes/(win|osx)' <<<"$listing"; then
  fail "$tool carries libtorch_python or other platforms' native libraries"
fi
# The native attention kernel travels with both packages (built whenever the machine has a C compiler, as CI's does).
grep -qx 'tools/net10.0/linux-x64/libsharpvl_attention.so' <<<"$listing" || fail "$tool lacks the native attention kernel"
library_listing=$(unzip -Z1 "$out/SharpVL.$version.nupkg")
grep -qx 'runtimes/linux-x64/native/libsharpvl_attention.so' <<<"$library_listing" ||
  fail "SharpVL.$version.nupkg lacks runtimes/linux-x64/native/libsharpvl_attention.so"
# So does the video worker (built when the libav development files are there, as on CI).
grep -qx 'tools/net10.0/linux-x64/sharpvl-video-worker' <<<"$listing" || fail "$tool lacks the video worker"
grep -qx 'runtimes/linux-x64/native/sharpvl-video-worker' <<<"$library_listing" ||
  fail "SharpVL.$version.nupkg lacks runtimes/linux-x64/native/sharpvl-video-worker"
nuspec=$(unzip -p "$out/SharpVL.$version.nupkg" SharpVL.nuspec)
grep -q 'id="TorchSharp"' <<<"$nuspec" || fail "the library package does not depend on the managed TorchSharp"
if grep -q 'TorchSharp-cpu' <<<"$nuspec"; then
  fail "the library package pins TorchSharp-cpu; the application chooses its libtorch"
fi

echo "== dotnet tool install SharpVL.Cli from $out into a temporary tool path"
NUGET_PACKAGES="$work/nuget" dotnet tool install SharpVL.Cli --version "$version" --tool-path "$work/tools" --add-source "$out" \
  >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dotnet tool install"; }
reported=$("$work/tools/sharpvl" --version)
echo "sharpvl --version: $reported"
case "$reported" in "$version"*) ;; *) fail "sharpvl --version printed '$reported', expected $version";; esac
# With the worker required: NuGet drops its executable bit on extraction, which SharpVL must restore.
result=$(SHARPVL_VIDEO_DECODER=worker "$work/tools/sharpvl" classify tests/fixtures/media/clip.mp4 \
  --model tests/fixtures/models/videomae-tiny-kinetics --frame-indices 4,16,28,40 --top-k 1 --jsonl) ||
  fail "the installed sharpvl could not classify the fixture clip with the video worker"
echo "sharpvl classify: $result"
grep -q '"label":"eating spaghetti","index":0,"score":0.563' <<<"$result" || fail "unexpected classification: $result"
echo "PACKAGE CHECK PASSED"
