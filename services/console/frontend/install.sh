#!/usr/bin/env bash
# The console's front-end files and the browser its tests drive, for `make install`:
# Debian's chromium and npm when missing (as root, like .ci/run), then the pinned npm
# packages (package-lock.json) and the dist files the console serves (static/vendor/).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

missing=()
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "console: install ${missing[*]} (Debian: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

cd "$here"
npm ci --no-audit --no-fund --loglevel=error
npm run --silent vendor
