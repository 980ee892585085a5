#!/usr/bin/env bash
# Installs what the browser tests need when it is missing (needs root or sudo): Debian's
# chromium, and fonts-noto-core so Arabic pages render with a real Arabic font.
set -euo pipefail
missing=()
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  missing+=(chromium)
fi
if [ ! -e /usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf ]; then
  missing+=(fonts-noto-core)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing ${missing[*]} (Debian packages) for the browser tests..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
