#!/usr/bin/env bash
# Runs the time-sensitive test suites (idle release and release windows,
# quotas, cost and budgets, rollouts and version switches, ingress tickets,
# the Kubernetes start deadline, the cost views) with the clock of every
# process shifted to each instant below, PostgreSQL started under the same
# clock. The suites take their times from a controlled clock; the sweep
# proves that nothing reads the real date next to it.
#
#   scripts/date-sweep.sh                          every instant below
#   scripts/date-sweep.sh '2031-07-04T12:00:00Z' UTC   one instant of your choice, in a time zone
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib/toolchain.sh"
source "$here/lib/postgres.sh"
source "$here/lib/faketime.sh"
cd "$AIGC_ROOT"

suites=(
  plugins/aigc-gateway-backend/src/policies
  plugins/aigc-gateway-backend/src/cost
  plugins/aigc-gateway-backend/src/versions
  plugins/aigc-gateway-backend/src/gateway/ingress
  plugins/aigc-gateway-backend-module-kubernetes/src/status
  plugins/aigc-gateway/src/components/Cost
)

if [ $# -ge 2 ]; then
  instants=("$1" "$2")
else
  instants=(
    '2027-01-03T23:59:30+01:00' Europe/Berlin     # a Sunday night, the week and year about to turn
    '2027-03-28T01:59:30+01:00' Europe/Berlin     # clocks go forward
    '2027-10-31T02:59:30+02:00' Europe/Berlin     # clocks go back
    '2027-03-14T01:59:30-05:00' America/New_York  # clocks go forward
    '2027-11-07T01:59:30-04:00' America/New_York  # clocks go back
    '2028-02-29T23:59:30Z' UTC                    # a leap day
    '2030-12-31T23:59:30Z' UTC                    # the end of a year
  )
fi

aigc_ensure_faketime
export BACKSTAGE_TEST_DISABLE_DOCKER=1 AIGC_REQUIRE_POSTGRES=1
# Below the ephemeral port range, as in test.sh.
port="${AIGC_SWEEP_PG_PORT:-15339}"
for ((i = 0; i < ${#instants[@]}; i += 2)); do
  instant="${instants[i]}" zone="${instants[i + 1]}"
  printf '\n=== date sweep: %s in %s\n' "$instant" "$zone"
  aigc_clean_faketime_shm
  (
    aigc_shift_clock "$instant" "$zone"
    echo "clock of this run: $(date '+%a %F %T %Z')"
    # A port per instant: the previous instant's server may still hold its own.
    aigc_start_postgres "$((port + i / 2))"
    trap aigc_stop_postgres EXIT
    CI=true yarn backstage-cli repo test --ci "${suites[@]}"
  )
done
