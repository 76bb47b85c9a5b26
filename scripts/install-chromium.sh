#!/usr/bin/env bash
# Installs what the browser tests (e2e/) need: Debian's Chromium and CJK fonts
# (fonts-noto-cjk, so that screenshots show Chinese glyphs, not boxes).
# Idempotent: does nothing when both are there. Needs root (or sudo) and
# Debian's package repositories; nothing else from the network.
#
#   bash scripts/install-chromium.sh
set -euo pipefail

need=()
if [ ! -x /usr/bin/chromium ]; then
  need+=(chromium)
fi
if ! dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'install ok installed'; then
  need+=(fonts-noto-cjk)
fi
if [ ${#need[@]} -eq 0 ]; then
  echo "chromium and fonts-noto-cjk are installed: $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "install-chromium: need root to install ${need[*]}" >&2
    exit 1
  fi
fi

echo "installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}"
# Chromium is always installed together with the fonts on a fresh machine;
# refresh the font cache in case only the fonts were added.
command -v fc-cache >/dev/null 2>&1 && fc-cache -f >/dev/null 2>&1 || true
/usr/bin/chromium --version
