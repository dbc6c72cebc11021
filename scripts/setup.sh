#!/usr/bin/env bash
# Installs what SharpVL needs from the system on Debian/Ubuntu: ffmpeg/ffprobe (video and audio decoding), gcc (builds
# the native attention kernel and, with the libav*-dev packages, the video worker), libdnnl2
# (oneDNN, the fast exact float32 kernel; optional, SharpVL falls back to libtorch without it) and, for the
# tests, chromium (headless rendering of the CLI's HTML report and the search page's browser test; never a downloaded
# browser), unzip (the package check), Node.js/npm and the npm packages of tools/pglite (a PostgreSQL wire server with
# pgvector for the pgvector tests). Everything else (TorchSharp, libtorch) comes from NuGet.
# Idempotent: installs only what is missing. `scripts/setup.sh --runtime` installs only what the CLI needs to run (ffmpeg).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
# oneDNN's sgemm (libdnnl.so.2): the fast exact float32 kernel on CPUs where libtorch's own GEMM is slow (AMD).
{ ldconfig -p 2>/dev/null | grep -q 'libdnnl\.so\.2 ' || [ -e /usr/lib/x86_64-linux-gnu/libdnnl.so.2 ]; } || missing+=(libdnnl2)
if [ "${1:-}" != "--runtime" ]; then
  # A C compiler (gcc, with OpenMP) builds the native attention kernel with the library; without it attention runs on libtorch.
  command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
  # The video worker (one long-lived decoding process instead of ffprobe + ffmpeg per file) links the libraries of
  # Debian's ffmpeg; without their development files videos are decoded by an ffmpeg process per file.
  { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libavformat libavcodec libavfilter libavutil libswscale; } ||
    missing+=(pkg-config libavformat-dev libavcodec-dev libavfilter-dev libavutil-dev libswscale-dev)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v unzip >/dev/null 2>&1 || missing+=(unzip)   # scripts/check-packages.sh looks inside the .nupkg files
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "SharpVL needs ${missing[*]}; install them with your package manager." >&2
    exit 1
  fi
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  echo "Installing ${missing[*]}..." >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "${1:-}" = "--runtime" ]; then
  exit 0
fi
# npm ci only when a lock file changed since the last install (a copy of it is kept as a stamp). playwright-core
# drives Debian's chromium: it never downloads a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
for tool in tools/pglite tools/browser; do
  stamp=$tool/node_modules/.installed-package-lock.json
  if ! cmp -s $tool/package-lock.json "$stamp" 2>/dev/null; then
    echo "Installing $tool (npm ci)..." >&2
    (cd $tool && npm ci --no-audit --no-fund --loglevel=error)
    cp $tool/package-lock.json "$stamp"
  fi
done
