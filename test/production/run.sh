#!/usr/bin/env bash
# The production test: builds the app and the backend bundle, installs them
# as packages/backend/Dockerfile does, and runs production.spec.ts against two
# replicas of it behind nginx, on PostgreSQL 15 and the test Kubernetes
# cluster, signing in through the development OpenID provider.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$AIGC_ROOT/scripts/lib/chromium.sh"
aigc_ensure_chromium

if ! yarn playwright test --config test/production/playwright.config.ts; then
  for log in test-results/production/logs/*.log; do
    printf '\n--- warnings and errors of %s\n' "$log"
    grep -aE '"level":"(warn|error)"|\[(warn|error|crit|alert|emerg)\]' "$log" | tail -n 40 || true
  done
  exit 1
fi
