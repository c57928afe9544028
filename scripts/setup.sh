#!/usr/bin/env bash
# Sets up aac-avatar on Debian/Ubuntu: the system packages it needs (when missing), a
# virtual environment at .venv in the repository root, and the Python packages.
#   scripts/setup.sh          the application
#   scripts/setup.sh --test   the application and the test tools (and the neural voices, for their tests)
#   scripts/setup.sh --neural the application and the neural voices (coqui-tts with torch, about 1.5 GB)
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
neural=""
for flag in "$@"; do
  case "$flag" in
    --test) extras="[test]"; neural="yes" ;;
    --neural) neural="yes" ;;
  esac
done

# espeak-ng: the in-process fallback voice. pulseaudio: the virtual microphone (and the tests'
# own sound server). ffmpeg: recordings. EGL/Mesa: the renderer on GPU or CPU (llvmpipe).
# flite and festival: more voices with exact phone timing, for the lip-sync evaluation
# (festvox-kdlpc16k, festvox-kallpc16k and festvox-us-slt-hts: held-out festival voices for it).
# Fonts: the board's labels in Latin, Greek, Cyrillic, Devanagari, Arabic, Hebrew, Thai (Noto) and Chinese
# (WenQuanYi Micro Hei, 5 MB instead of Noto CJK's 100 MB).
system_packages=(espeak-ng libespeak-ng1 pulseaudio pulseaudio-utils ffmpeg
  libegl1 libegl-mesa0 libgl1-mesa-dri libgl1 libglib2.0-0 libportaudio2
  flite festival festvox-kdlpc16k festvox-kallpc16k festvox-us-slt-hts python3-venv
  fonts-dejavu-core fonts-noto-core fonts-wqy-microhei)
# --test also: strace and unshare (util-linux) for the no-network test (live, say and the app run in a
# network namespace with no interfaces, every connect traced).
[ "${1:-}" = "--test" ] && system_packages+=(strace util-linux)
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
if [ -n "$neural" ]; then
  # coqui-tts with torch 2.13.0 CPU (the extra pins it, so pip never swaps in a CUDA build of several GB).
  # Not fatal: without it the coqui voices are listed as not installed and their tests skip, saying why.
  if .venv/bin/python -m pip install -q -e ".[neural]"; then
    .venv/bin/python scripts/torchaudio_cpu.py || echo "setup: torchaudio does not import: coqui voices unavailable" >&2
  else
    echo "setup: the neural voices (coqui-tts) could not be installed; the other voices work" >&2
  fi
fi
echo "setup: ready (.venv/bin/aac-avatar)"
