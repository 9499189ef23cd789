#!/usr/bin/env bash
# Installs the workspace dependencies exactly as locked. Sourced after toolchain.sh.
# Skips yarn entirely when yarn.lock and every package.json are unchanged since
# the last successful install (yarn's own no-op install still costs seconds).
set -euo pipefail
cd "$CODER_PLATFORM_ROOT"
stamp=node_modules/.coder-platform-install-stamp
fingerprint="$(node --version) $(cat yarn.lock package.json packages/*/package.json plugins/*/package.json | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ]; then
  exit 0
fi
echo "install: yarn install --immutable" >&2
yarn install --immutable
echo "$fingerprint" >"$stamp"
