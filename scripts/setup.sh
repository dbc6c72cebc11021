#!/usr/bin/env bash
# Installs what SharpVL needs from the system on Debian/Ubuntu: ffmpeg/ffprobe (video and audio decoding).
# Everything else (TorchSharp, libtorch) comes from NuGet during the build.
set -euo pipefail
if command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "SharpVL needs ffmpeg and ffprobe on PATH; install them with your package manager." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "Installing ffmpeg (video/audio decoding)..." >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null
