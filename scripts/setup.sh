#!/usr/bin/env bash
# Brings the project's toolchain, dependencies and the sample engine's build up
# to date. Idempotent: with nothing changed it only compares a checksum and
# file times and returns.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/toolchain.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/bubblewrap.sh"
cd "$AIGC_ROOT"

# Engines of the local runtime run in bubblewrap's sandboxes.
aigc_ensure_bubblewrap

manifest_sum() {
  { node -v; cat .yarnrc.yml package.json yarn.lock packages/*/package.json plugins/*/package.json 2>/dev/null; } |
    sha256sum | cut -d' ' -f1
}

stamp=node_modules/.aigc-install-stamp
if ! [ -f "$stamp" ] || [ "$(cat "$stamp")" != "$(manifest_sum)" ]; then
  echo "aigc: installing dependencies with Yarn $(yarn --version) on Node $(node -v)" >&2
  if [ -n "${CI:-}" ]; then
    yarn install --immutable
  else
    yarn install
  fi
  manifest_sum > "$stamp"
fi

# The sample engine runs as built JavaScript, as it does from a registry.
engine=packages/sample-engine
if ! [ -f "$engine/dist/server.js" ] ||
  [ -n "$(find "$engine/src" "$engine/tsconfig.build.json" -newer "$engine/dist/server.js" -print -quit)" ]; then
  echo "aigc: building the sample engine" >&2
  yarn workspace @aigc-gateway/sample-engine build
fi
