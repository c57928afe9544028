#!/usr/bin/env bash
# Sets up aac-avatar on Debian/Ubuntu: the system packages it needs (when missing), a
# virtual environment at .venv in the repository root, and the Python packages.
#   scripts/setup.sh          the application
#   scripts/setup.sh --test   the application and the test tools
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

# espeak-ng: the in-process fallback voice. pulseaudio: the virtual microphone (and the tests'
# own sound server). ffmpeg: recordings. EGL/Mesa: the renderer on GPU or CPU (llvmpipe).
# flite and festival: more voices with exact phone timing, for the lip-sync evaluation
# (festvox-kdlpc16k and festvox-us-slt-hts: two held-out festival voices for it).
# Fonts: the board's labels in Latin, Greek, Cyrillic, Devanagari, Arabic, Hebrew, Thai (Noto) and Chinese
# (WenQuanYi Micro Hei, 5 MB instead of Noto CJK's 100 MB).
system_packages=(espeak-ng libespeak-ng1 pulseaudio pulseaudio-utils ffmpeg
  libegl1 libegl-mesa0 libgl1-mesa-dri libgl1 libglib2.0-0 libportaudio2
  flite festival festvox-kdlpc16k festvox-us-slt-hts python3-venv
  fonts-dejavu-core fonts-noto-core fonts-wqy-microhei)
missing=()
for p in "${system_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=""
for candidate in python3.11 python3.12 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] <= (3, 12)))'; then
    python="$candidate"; break
  fi
done
if [ -z "$python" ]; then
  echo "setup: aac-avatar needs Python 3.11 or 3.12 (mediapipe 0.10.21 supports no newer one)." >&2
  exit 1
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".$extras"
echo "setup: ready (.venv/bin/aac-avatar)"
