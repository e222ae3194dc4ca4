#!/usr/bin/env bash
# The production test: builds the app and the backend bundle, installs them
# as packages/backend/Dockerfile does, and runs production.spec.ts against two
# replicas of it behind nginx, on PostgreSQL 15 and the test Kubernetes
# cluster, signing in through the development OpenID provider.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../../scripts/lib/toolchain.sh"
source "$AIGC_ROOT/scripts/lib/postgres.sh"
source "$AIGC_ROOT/scripts/lib/chromium.sh"
source "$AIGC_ROOT/scripts/lib/nginx.sh"
cd "$AIGC_ROOT"

export AIGC_KUBE_CLUSTER=aigc-production
cleanup() {
  aigc_stop_postgres
  test/kube/cluster.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

yarn build:all
export AIGC_PRODUCTION_DIR="${AIGC_PRODUCTION_DIR:-$(mktemp -d /tmp/aigc-production-install.XXXXXX)}"
"$here/install.sh" "$AIGC_PRODUCTION_DIR"

aigc_ensure_nginx
aigc_ensure_chromium
export AIGC_PRODUCTION_PG_PORT="${AIGC_PRODUCTION_PG_PORT:-15339}"
aigc_start_postgres "$AIGC_PRODUCTION_PG_PORT"
test/kube/cluster.sh start
eval "$(test/kube/cluster.sh env)"

if ! yarn playwright test --config test/production/playwright.config.ts; then
  for log in test-results/production/logs/*.log; do
    printf '\n--- warnings and errors of %s\n' "$log"
    grep -aE '"level":"(warn|error)"|\[(warn|error|crit|alert|emerg)\]' "$log" | tail -n 40 || true
  done
  exit 1
fi
