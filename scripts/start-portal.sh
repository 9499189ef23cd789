#!/usr/bin/env bash
# Starts the portal locally: backend on :7007, frontend on :3000, SQLite in
# memory, guest sign-in, catalog from catalog-info.yaml and templates/.
# Provisions Node and installs dependencies first when needed.
set -euo pipefail
# shellcheck source=scripts/toolchain.sh
source "$(dirname "$0")/toolchain.sh"
bash "$CODER_PLATFORM_ROOT/scripts/install.sh"
cd "$CODER_PLATFORM_ROOT"
exec yarn start "$@"
