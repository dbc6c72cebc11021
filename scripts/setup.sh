#!/usr/bin/env bash
# Installs what SharpVL needs from the system on Debian/Ubuntu: ffmpeg/ffprobe (video and audio decoding) and, for the
# tests, chromium (headless rendering of the CLI's HTML report). Everything else (TorchSharp, libtorch) comes from NuGet.
# Idempotent: installs only what is missing. `scripts/setup.sh --runtime` installs only what the CLI needs to run (ffmpeg).
set -euo pipefail
missing=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
if [ "${1:-}" != "--runtime" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
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
