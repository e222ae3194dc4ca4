#!/usr/bin/env bash
# Prints a Backstage token for a demo user by walking the real OIDC sign-in
# against the running portal:  scripts/token.sh alice
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/toolchain.sh"
exec node "$AIGC_ROOT/packages/dev-idp/src/token.ts" "$@"
