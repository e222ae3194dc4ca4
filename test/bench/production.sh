#!/usr/bin/env bash
# Runs production.bench.ts against the production test's set-up (two
# replicas of the built backend behind nginx, PostgreSQL 15, the test
# Kubernetes cluster). wrk comes from Debian's package.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../production/env.sh"
if ! command -v wrk >/dev/null; then
  echo "bench: installing wrk (Debian package wrk)" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
fi
node --require @backstage/cli-node/config/nodeTransform.cjs test/bench/production.bench.ts
