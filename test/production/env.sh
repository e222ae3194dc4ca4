# shellcheck shell=bash
# Sourced by run.sh and test/bench/production.sh: builds the app and the
# backend bundle, installs them as packages/backend/Dockerfile does, starts
# PostgreSQL 15 and a test Kubernetes cluster of its own, and exports what
# stack.ts reads. Both are stopped when the sourcing script exits.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/toolchain.sh"
source "$AIGC_ROOT/scripts/lib/postgres.sh"
source "$AIGC_ROOT/scripts/lib/nginx.sh"
cd "$AIGC_ROOT"

export AIGC_KUBE_CLUSTER=aigc-production
aigc_production_cleanup() {
  aigc_stop_postgres
  test/kube/cluster.sh stop >/dev/null 2>&1 || true
}
trap aigc_production_cleanup EXIT

yarn build:all
export AIGC_PRODUCTION_DIR="${AIGC_PRODUCTION_DIR:-$(mktemp -d /tmp/aigc-production-install.XXXXXX)}"
test/production/install.sh "$AIGC_PRODUCTION_DIR"

aigc_ensure_nginx
export AIGC_PRODUCTION_PG_PORT="${AIGC_PRODUCTION_PG_PORT:-15339}"
aigc_start_postgres "$AIGC_PRODUCTION_PG_PORT"
test/kube/cluster.sh start
eval "$(test/kube/cluster.sh env)"
