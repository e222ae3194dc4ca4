#!/usr/bin/env bash
# Starts the portal on its embedded default: SQLite in .data/, the local
# OpenID provider with the demo users, the frontend on :3000, the backend on :7007.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh"
source "$here/lib/toolchain.sh"
cd "$AIGC_ROOT"

export AIGC_DATA_DIR="${AIGC_DATA_DIR:-$AIGC_ROOT/.data}"
mkdir -p "$AIGC_DATA_DIR/sqlite"

node packages/dev-idp/src/server.ts &
idp=$!
trap 'kill $idp 2>/dev/null || true' EXIT

(
  until curl -fsS -o /dev/null http://localhost:3000 2>/dev/null; do sleep 2; done
  printf '\n  AIGC Gateway portal: open http://localhost:3000/aigc-gateway\n'
  printf '  Sign in as alice, bob or carol; password: %s\n\n' "${AIGC_DEV_IDP_PASSWORD:-aigc-demo}"
) &

# Metrics for Prometheus on :${AIGC_METRICS_PORT:-9464}/metrics (packages/backend/src/instrumentation.js).
yarn start --require "$AIGC_ROOT/packages/backend/src/instrumentation.js" "$@"
