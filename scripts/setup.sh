#!/usr/bin/env bash
# Brings the project's toolchain and dependencies up to date. Idempotent: with
# nothing changed it only compares a checksum and returns.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/toolchain.sh"
cd "$AIGC_ROOT"

manifest_sum() {
  { node -v; cat .yarnrc.yml package.json yarn.lock packages/*/package.json plugins/*/package.json 2>/dev/null; } |
    sha256sum | cut -d' ' -f1
}

stamp=node_modules/.aigc-install-stamp
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(manifest_sum)" ]; then
  exit 0
fi

echo "aigc: installing dependencies with Yarn $(yarn --version) on Node $(node -v)" >&2
if [ -n "${CI:-}" ]; then
  yarn install --immutable
else
  yarn install
fi
manifest_sum > "$stamp"
