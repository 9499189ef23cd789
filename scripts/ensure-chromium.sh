#!/usr/bin/env bash
# Ensures Debian's Chromium is installed for the end-to-end tier. Browser
# downloads (npx playwright install) cannot work here; apt can.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
  echo "e2e: /usr/bin/chromium is missing and this user cannot install it; run: apt-get install -y chromium" >&2
  exit 1
fi
as_root=()
[ "$(id -u)" != 0 ] && as_root=(sudo)
echo "e2e: installing Debian's chromium with apt-get" >&2
log=$(mktemp)
if ! { "${as_root[@]}" apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq \
    --no-install-recommends chromium fonts-liberation; } >"$log" 2>&1; then
  tail -20 "$log" >&2
  echo "e2e: apt-get install chromium failed (log above)" >&2
  exit 1
fi
rm -f "$log"
