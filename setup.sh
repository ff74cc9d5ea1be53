#!/usr/bin/env bash
# EmoteBot set-up for a fresh machine: the Debian packages it needs (ffmpeg for MP4/WebM,
# chromium for the page's browser tests), the npm dependencies from the lockfile, and the
# page's build. Safe to run again; it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing ${need[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    echo "setup: installing ${need[*]} with sudo apt-get"
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "setup: please install ${need[*]} (Debian: apt-get install ${need[*]}): MP4/WebM export needs ffmpeg, the browser tests chromium" >&2
  fi
fi

echo "setup: installing npm dependencies"
# `npm ci` refuses this lockfile under npm 11 (it wants the other platforms' optional canvas
# binaries listed), so install from it with `npm install`, which keeps it unchanged.
npm install --no-audit --no-fund --loglevel=error
echo "setup: building the page"
npm run --silent build:web >/dev/null
echo "setup: done"
