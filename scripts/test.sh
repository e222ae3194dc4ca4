#!/usr/bin/env bash
# Runs every test: type check, lint, unit and integration tests (backend
# against SQLite and a PostgreSQL 15 server started here, the Kubernetes
# runtime against a local control plane built from Go modules), then the
# browser tests against a freshly started portal, the production test (the
# built backend, two replicas behind nginx), and the adopter test: the suite
# installed from a local registry into a fresh create-app portal.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh"
source "$here/lib/toolchain.sh"
source "$here/lib/postgres.sh"
source "$here/lib/chromium.sh"
source "$here/lib/nginx.sh"
cd "$AIGC_ROOT"

step() { printf '\n=== %s\n' "$*"; }

step "type check"
yarn tsc

step "API reports (an export that changes without its report fails)"
yarn build:api-reports --ci

step "lint"
yarn backstage-cli repo lint

step "formatting (prettier --check)"
yarn prettier:check

step "Kubernetes control plane for the runtime's tests (built once, then cached)"
test/kube/build.sh

step "nginx for the forward-auth test (Debian's, configured as ingress-nginx)"
aigc_ensure_nginx

step "unit and integration tests (SQLite, PostgreSQL 15, Kubernetes)"
# Below the ephemeral port range (32768-60999 on Linux), where an outgoing
# connection of the busy test run could hold the port first.
aigc_start_postgres "${AIGC_TEST_PG_PORT:-15329}"
trap aigc_stop_postgres EXIT
export BACKSTAGE_TEST_DISABLE_DOCKER=1
# Makes the database tests fail instead of skipping PostgreSQL silently.
export AIGC_REQUIRE_POSTGRES=1
CI=true yarn backstage-cli repo test --ci
# Tests that need real dynamic imports, which jest's sandbox cannot run.
yarn workspace @aigc-gateway/backstage-plugin-aigc-gateway-backend-module-kubernetes test:node
yarn workspace @internal/dev-idp test
yarn workspace @aigc-gateway/sample-engine test

step "date sweep: the time-sensitive suites under shifted clocks (libfaketime)"
"$here/date-sweep.sh"

step "browser tests (Playwright, Debian's Chromium)"
aigc_ensure_chromium
if ! yarn playwright test; then
  printf '\n--- the portal'"'"'s warnings and errors (test-results/e2e-portal.log)\n'
  grep -aiE '\b(warn|error)\b' test-results/e2e-portal.log | tail -n 100 || true
  exit 1
fi

step "production test: the built backend, two replicas behind nginx, one killed on the way"
test/production/run.sh

step "adopter test: the suite from a local registry into a fresh create-app portal, as the README says"
test/adopter/run.sh
