#!/usr/bin/env bash
# The adopter test: installs the suite into a fresh Backstage app the way a
# platform team would, from a registry, following the root README's section
# "Add AIGC Gateway to your Backstage portal" literally, then checks that the
# app works. See test/adopter/README.md.
#
# Caches (outside the work tree):
#   ${AIGC_ADOPTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aigc-gateway/adopter}
#     create-app-<version>/app  the app as create-app generated it
#     tools/                    Verdaccio and the yaml library
#     yarn/                     Yarn's global folder (package cache) for the app
#     npm/                      npm's cache (create-app, tools, publishing)
# Results: test-results/adopter/ (summary.json, screenshot, logs/).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

CREATE_APP_VERSION=0.9.2
VERDACCIO_VERSION=6.10.4
YAML_VERSION=2.9.1
APP_NAME=adopter-portal

CACHE="${AIGC_ADOPTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aigc-gateway/adopter}"
RESULTS="$root/test-results/adopter"
TIMEOUT_BACKEND="${AIGC_ADOPTER_BACKEND_TIMEOUT:-180}"
TIMEOUT_FRONTEND="${AIGC_ADOPTER_FRONTEND_TIMEOUT:-420}"

log() { printf 'adopter: %s\n' "$*" >&2; }
# The end of a log, with lines cut short (Yarn's crashes print minified code).
show_log() { tail -n "${2:-30}" "$1" 2>/dev/null | cut -c1-300 >&2 || true; }
die() {
  log "FAILED: $*"
  exit 1
}

# ---------------------------------------------------------------- bookkeeping
WORK="$(mktemp -d "${TMPDIR:-/tmp}/aigc-adopter.XXXXXX")"
APP="$WORK/app"
LOGS="$WORK/logs"
mkdir -p "$LOGS" "$WORK/pids" "$WORK/tarballs"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
: >"$WORK/steps.tsv"
: >"$WORK/checks.jsonl"
echo '{}' >"$WORK/counts.json"

current_step=""
step_started=""
now() { date +%s.%N; }

# Ends the running step (if any) and starts the next one.
step() {
  end_step ok
  case "$1" in "${AIGC_ADOPTER_STOP_BEFORE:-\0}"*)
    log "stopping before \"$1\" (AIGC_ADOPTER_STOP_BEFORE)"
    exit 0
    ;;
  esac
  current_step="$1"
  step_started="$(now)"
  printf '\n=== adopter: %s\n' "$1" >&2
}
end_step() {
  if [ -n "$current_step" ]; then
    printf '%s\t%s\t%s\n' "$current_step" \
      "$(awk -v a="$(now)" -v b="$step_started" 'BEGIN { printf "%.1f", a - b }')" "$1" \
      >>"$WORK/steps.tsv"
    current_step=""
  fi
}

# Adds to counts.json: key and a JSON value.
count() {
  node -e '
    const fs = require("fs");
    const [file, key, value] = process.argv.slice(1);
    const c = JSON.parse(fs.readFileSync(file, "utf8"));
    c[key] = JSON.parse(value);
    fs.writeFileSync(file, JSON.stringify(c));
  ' "$WORK/counts.json" "$1" "$2"
}

failed_checks=0
# Records a failed check that gave no result of its own.
check_not_run() {
  node -e 'console.log(JSON.stringify({ check: process.argv[1], ok: false, ms: 0, detail: process.argv[2] }))' \
    "$1" "$2" | tee -a "$WORK/checks.jsonl" >&2
}
# Runs a check script; its JSON lines go to checks.jsonl. A failed check is
# recorded and the run goes on; the exit code tells at the end.
run_check() {
  local out rc=0
  out="$("$@")" || rc=$?
  [ -n "$out" ] && printf '%s\n' "$out" | tee -a "$WORK/checks.jsonl" >&2
  if [ "$rc" -ne 0 ]; then
    failed_checks=$((failed_checks + 1))
    log "check failed: $*"
    [ -n "$out" ] || check_not_run "$*" "exit $rc without a result (124: timed out)"
  fi
  return 0
}

# ------------------------------------------------------------------ processes
# Each server runs in its own session (setsid), so its process group holds
# everything it starts: stopping the group stops yarn, the CLI and node.
start_bg() {
  local name="$1"
  shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$WORK/pids/$name"
  log "started $name (process group $!), log: logs/$name.log"
}

stop_bg() {
  local name="$1" pgid
  [ -f "$WORK/pids/$name" ] || return 0
  pgid="$(cat "$WORK/pids/$name")"
  rm -f "$WORK/pids/$name"
  kill -TERM -- "-$pgid" 2>/dev/null || return 0
  for _ in $(seq 1 60); do
    kill -0 -- "-$pgid" 2>/dev/null || {
      log "stopped $name"
      return 0
    }
    sleep 0.5
  done
  log "$name did not stop within 30 s of SIGTERM; sending SIGKILL"
  kill -KILL -- "-$pgid" 2>/dev/null || true
}

alive() { [ -f "$WORK/pids/$1" ] && kill -0 -- "-$(cat "$WORK/pids/$1")" 2>/dev/null; }

# Processes of this run outside the tracked groups (the local runtime starts
# engines detached): anything whose command line or working directory is
# inside $WORK, except this script and the servers still tracked.
strays() {
  local dir pid pgid keep
  keep=" $$ $BASHPID $(cat "$WORK"/pids/* 2>/dev/null | tr '\n' ' ') "
  for dir in /proc/[0-9]*; do
    pid="${dir#/proc/}"
    pgid="$(awk '{ print $5 }' "$dir/stat" 2>/dev/null || true)"
    case "$keep" in *" $pid "* | *" $pgid "*) continue ;; esac
    case "$(readlink "$dir/cwd" 2>/dev/null || true)/ $(tr '\0' ' ' <"$dir/cmdline" 2>/dev/null || true)" in
    *"$WORK"*) echo "$pid" ;;
    esac
  done
}
sweep_strays() {
  local pid left
  left="$(strays)"
  [ -n "$left" ] || return 0
  for pid in $left; do
    log "stopping leftover process $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-150)"
    kill -TERM "$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 20); do
    [ -n "$(strays)" ] || return 0
    sleep 0.5
  done
  for pid in $(strays); do kill -KILL "$pid" 2>/dev/null || true; done
  count strayProcesses true
}

# Waits until URL answers 2xx, while the named process group lives; says
# why not otherwise.
wait_http() {
  local name="$1" url="$2" timeout="$3" started
  started="$(date +%s)"
  until curl -fsS -o /dev/null --max-time 5 "$url" 2>/dev/null; do
    if ! alive "$name"; then
      show_log "$LOGS/$name.log" 40
      log "$name exited before $url answered (log: $RESULTS/logs/$name.log)"
      return 1
    fi
    if [ $(($(date +%s) - started)) -ge "$timeout" ]; then
      show_log "$LOGS/$name.log" 40
      log "$url did not answer within $timeout s (log: $RESULTS/logs/$name.log)"
      return 1
    fi
    sleep 1
  done
  log "$url answers after $(($(date +%s) - started)) s"
}

finish() {
  local rc=$?
  set +e
  if [ -n "$current_step" ]; then
    if [ "$rc" -eq 0 ]; then end_step ok; else end_step failed; fi
  fi
  cd /
  for pids in "$WORK"/pids/*; do
    [ -e "$pids" ] || continue
    case "$(basename "$pids")" in verdaccio) ;; *) stop_bg "$(basename "$pids")" ;; esac
  done
  stop_bg verdaccio
  sweep_strays
  purge_suite_from_yarn_cache
  mkdir -p "$RESULTS/logs"
  cp -r "$LOGS/." "$RESULTS/logs/" 2>/dev/null
  # The local runtime keeps engine logs in its data root inside the app.
  find "$APP" -path '*/node_modules' -prune -o -path '*/logs/*.log' -print 2>/dev/null |
    while read -r f; do cp "$f" "$RESULTS/logs/engine-$(basename "$f")"; done
  [ -f "$APP/app-config.yaml" ] && cp "$APP/app-config.yaml" "$RESULTS/app-config.yaml"
  [ -f "$APP/packages/backend/src/index.ts" ] &&
    cp "$APP/packages/backend/src/index.ts" "$RESULTS/backend-index.ts"
  count yarnRetries "${retries:-0}"
  if [ "${AIGC_ADOPTER_KEEP:-}" != 1 ] && [ -d "$APP" ]; then
    current_step="cleanup: remove the temporary app"
    step_started="$(now)"
    rm -rf "$APP"
    end_step ok
  fi
  local status=passed
  if [ "$rc" -ne 0 ]; then status=failed; elif [ "$failed_checks" -gt 0 ]; then status=failed; fi
  node "$here/summary.mts" "$WORK" "$RESULTS/summary.json" "$status" || true
  if [ "${AIGC_ADOPTER_KEEP:-}" = 1 ]; then
    log "kept $WORK (AIGC_ADOPTER_KEEP=1)"
  else
    rm -rf "$WORK"
  fi
  if [ "$rc" -eq 0 ] && [ "$failed_checks" -gt 0 ]; then
    log "$failed_checks check(s) failed; see $RESULTS/summary.json"
    exit 1
  fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

purge_suite_from_yarn_cache() {
  # The suite's packages are published anew every run with the same
  # versions: keep no copy of them in Yarn's cache or metadata.
  [ -d "$CACHE/yarn" ] || return 0
  find "$CACHE/yarn/cache" "$CACHE/yarn/metadata" -name '@aigc-gateway-*' -delete 2>/dev/null || true
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null &&
    ! (exec 3<>"/dev/tcp/::1/$1") 2>/dev/null
}
# First free port of a range (the suite's own tests use 3000, 7007, 7009,
# 54329, 17860-17899 and 184xx).
pick_port() {
  local p
  for p in $(seq "$1" "$2"); do
    if port_free "$p"; then
      echo "$p"
      return 0
    fi
  done
  die "no free port in $1-$2"
}

# The app's own yarn, with its package cache in $CACHE (CI=true would make
# installs immutable; an adopter adds packages).
app_vars=(
  YARN_GLOBAL_FOLDER="$CACHE/yarn" YARN_ENABLE_GLOBAL_CACHE=true
  YARN_ENABLE_IMMUTABLE_INSTALLS=false YARN_ENABLE_TELEMETRY=0
  YARN_ENABLE_PROGRESS_BARS=false BROWSER=none
)
app_env() { env "${app_vars[@]}" "$@"; }

# Runs a Yarn command in the app, logging to LOG; once more if it fails.
# Yarn's own HTTP retries are off: Yarn 4.13 crashes on a retried request
# ("The `onCancel` handler was attached after the promise settled",
# yarnpkg/berry#7245), which hides the failure that caused the retry.
app_yarn() {
  local log="$1" limit="$2"
  shift 2
  if (cd "$APP" && app_env YARN_HTTP_RETRY=0 timeout "$limit" "$@") </dev/null >"$log" 2>&1; then
    return 0
  fi
  log "failed, trying once more: $* (first attempt: $(basename "$log" .log)-attempt-1.log)"
  grep -E 'YN0001|YN0035|YN0016|YN0027|Error' "$log" | head -n 5 | cut -c1-300 >&2 || true
  mv "$log" "${log%.log}-attempt-1.log"
  retries=$((retries + 1))
  (cd "$APP" && app_env YARN_HTTP_RETRY=0 timeout "$limit" "$@") </dev/null >"$log" 2>&1
}
retries=0

# ================================================================== the steps
step "toolchain (Node, Yarn, the suite's dependencies)"
if [ "${AIGC_ADOPTER_SKIP_SETUP:-}" != 1 ]; then "$root/scripts/setup.sh"; fi
source "$root/scripts/lib/toolchain.sh"
source "$root/scripts/lib/chromium.sh"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 22 ] || die "Node $(node -v) is too old for Backstage 1.55"
log "Node $(node -v), Yarn $(yarn --version), cache $CACHE, work dir $WORK"
mkdir -p "$CACHE/npm"
export npm_config_cache="$CACHE/npm" npm_config_update_notifier=false npm_config_fund=false \
  npm_config_audit=false
count node "\"$(node -v)\""

PORT_REGISTRY="$(pick_port "${AIGC_ADOPTER_REGISTRY_PORT:-4873}" 4899)"
PORT_BACKEND="$(pick_port "${AIGC_ADOPTER_BACKEND_PORT:-7107}" 7199)"
PORT_FRONTEND="$(pick_port "${AIGC_ADOPTER_FRONTEND_PORT:-3100}" 3199)"
REGISTRY="http://127.0.0.1:$PORT_REGISTRY"
BACKEND_URL="http://localhost:$PORT_BACKEND"
FRONTEND_URL="http://localhost:$PORT_FRONTEND"
log "ports: registry $PORT_REGISTRY, backend $PORT_BACKEND, frontend $PORT_FRONTEND"
count ports "{\"registry\":$PORT_REGISTRY,\"backend\":$PORT_BACKEND,\"frontend\":$PORT_FRONTEND}"

step "create-app $CREATE_APP_VERSION (generated once, then from the cache)"
template="$CACHE/create-app-$CREATE_APP_VERSION/app"
if [ ! -f "$template/package.json" ]; then
  staging="$CACHE/create-app-$CREATE_APP_VERSION/staging.$$"
  rm -rf "$staging"
  mkdir -p "$(dirname "$staging")"
  BACKSTAGE_APP_NAME="$APP_NAME" timeout 600 \
    npx --yes "@backstage/create-app@$CREATE_APP_VERSION" --path "$staging" --skip-install \
    >"$LOGS/create-app.log" 2>&1 ||
    {
      show_log "$LOGS/create-app.log" 30
      die "create-app failed"
    }
  [ -f "$staging/package.json" ] || die "create-app left no package.json in $staging"
  rm -rf "$template"
  mv "$staging" "$template"
  count createAppCached false
else
  log "using the app generated before in $template"
  count createAppCached true
fi
cp -a "$template" "$APP"

step "tools: Verdaccio $VERDACCIO_VERSION (installed once, then from the cache)"
tools="$CACHE/tools"
export AIGC_ADOPTER_TOOLS="$tools"
if [ ! -x "$tools/node_modules/.bin/verdaccio" ] ||
  [ "$(node -p "require('$tools/node_modules/verdaccio/package.json').version" 2>/dev/null)" != "$VERDACCIO_VERSION" ] ||
  [ ! -f "$tools/node_modules/yaml/package.json" ]; then
  rm -rf "$tools"
  mkdir -p "$tools"
  # verdaccio 6.10.4 asks for node-fetch@cjs, which the registry lacks.
  cat >"$tools/package.json" <<EOF
{
  "name": "aigc-adopter-tools",
  "private": true,
  "dependencies": { "verdaccio": "$VERDACCIO_VERSION", "yaml": "$YAML_VERSION" },
  "overrides": { "node-fetch": "2.7.0" }
}
EOF
  timeout 600 npm install --prefix "$tools" --no-package-lock >"$LOGS/tools-install.log" 2>&1 ||
    {
      show_log "$LOGS/tools-install.log" 30
      die "npm install of Verdaccio failed"
    }
fi

step "README: read the install section"
node "$here/app.mts" readme "$root/README.md" "$WORK/readme.json" | tee "$WORK/readme-summary.json" >&2
count readme "$(cat "$WORK/readme-summary.json")"
template_id="$(node -p "require('$WORK/readme.json').template.id")"
template_title="$(node -p "require('$WORK/readme.json').template.title")"

step "local registry (Verdaccio on $REGISTRY)"
mkdir -p "$WORK/verdaccio/storage"
cat >"$WORK/verdaccio/config.yaml" <<EOF
storage: $WORK/verdaccio/storage
auth:
  htpasswd:
    file: $WORK/verdaccio/htpasswd
    max_users: 1
uplinks:
  npmjs:
    url: https://registry.npmjs.org/
    timeout: 60s
packages:
  '@aigc-gateway/*':
    access: \$all
    publish: \$authenticated
    unpublish: \$authenticated
  '**':
    access: \$all
    publish: nobody-publishes-here
    proxy: npmjs
max_body_size: 200mb
log: { type: stdout, format: pretty, level: warn }
EOF
start_bg verdaccio "$tools/node_modules/.bin/verdaccio" \
  --config "$WORK/verdaccio/config.yaml" --listen "127.0.0.1:$PORT_REGISTRY"
wait_http verdaccio "$REGISTRY/-/ping" 60 || die "Verdaccio did not start"
publisher="adopter-$RANDOM$RANDOM"
token="$(curl -fsS --max-time 10 -X PUT -H 'content-type: application/json' \
  -d "{\"name\":\"$publisher\",\"password\":\"$(head -c 18 /dev/urandom | base64)\"}" \
  "$REGISTRY/-/user/org.couchdb.user:$publisher" | node -p 'JSON.parse(require("fs").readFileSync(0)).token')" ||
  die "could not create a user in Verdaccio"
[ -n "$token" ] && [ "$token" != undefined ] || die "Verdaccio gave no token"
printf '//127.0.0.1:%s/:_authToken=%s\nregistry=%s/\n' "$PORT_REGISTRY" "$token" "$REGISTRY" >"$WORK/npmrc"

step "app: known pitfalls of fresh apps, registry, yarn install"
purge_suite_from_yarn_cache
pitfalls="$(node "$here/app.mts" pitfalls "$APP" "$root/package.json")"
log "pitfalls: $pitfalls"
count pitfalls "$pitfalls"
# Test environment, not adopter work: the local registry, and its
# just-published packages exempt from create-app's minimal age gate.
node "$here/app.mts" yarnrc "$APP/.yarnrc.yml" "$REGISTRY" >/dev/null
# Ports that do not clash with the suite's own portal and tests.
cat >"$APP/app-config.local.yaml" <<EOF
# Test environment: ports of the adopter test.
app:
  baseUrl: $FRONTEND_URL
backend:
  baseUrl: $BACKEND_URL
  listen:
    port: $PORT_BACKEND
  cors:
    origin: $FRONTEND_URL
# Engine ports of the local runtime, outside the suite's own tests' range.
aigcGateway:
  runtime:
    local:
      ports: { from: 17960, to: 17999 }
EOF
app_yarn "$LOGS/app-install.log" 1200 yarn install || {
  show_log "$LOGS/app-install.log" 40
  die "yarn install of the fresh app failed"
}
grep -E 'Done|Completed in' "$LOGS/app-install.log" | tail -n 4 >&2 || true

step "suite: build the publishable packages"
cd "$root"
timeout 120 yarn workspaces list --json >"$WORK/workspaces.jsonl"
node "$here/packages.mts" publishable "$root" <"$WORK/workspaces.jsonl" >"$WORK/publishable.jsonl"
mapfile -t publishable < <(node -e '
  require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean)
    .forEach(l => { const p = JSON.parse(l); console.log([p.name, p.location, p.hasBuild, p.role].join("\t")); });
' <"$WORK/publishable.jsonl")
log "publishable: $(cut -f1 <<<"$(printf '%s\n' "${publishable[@]}")" | tr '\n' ' ')"
count publishable "$(node -e 'console.log(JSON.stringify(require("fs").readFileSync(0,"utf8").split("\n").filter(Boolean).map(l=>JSON.parse(l).name)))' <"$WORK/publishable.jsonl")"
timeout 900 yarn tsc >"$LOGS/suite-tsc.log" 2>&1 || {
  show_log "$LOGS/suite-tsc.log" 40
  die "yarn tsc failed in the suite"
}
for entry in "${publishable[@]}"; do
  IFS=$'\t' read -r name location has_build _ <<<"$entry"
  log "build $name"
  if [ "$has_build" = true ]; then
    (cd "$root/$location" && timeout 600 yarn run build) >>"$LOGS/suite-build.log" 2>&1
  else
    (cd "$root/$location" && timeout 600 yarn backstage-cli package build) >>"$LOGS/suite-build.log" 2>&1
  fi || {
    show_log "$LOGS/suite-build.log" 40
    die "the build of $name failed"
  }
done

step "suite: pack, check and publish to the local registry"
for entry in "${publishable[@]}"; do
  IFS=$'\t' read -r name location _ _ <<<"$entry"
  tgz="$WORK/tarballs/$(echo "$name" | tr -d @ | tr / -).tgz"
  (cd "$root/$location" && timeout 300 yarn pack --out "$tgz") >>"$LOGS/suite-pack.log" 2>&1 || {
    show_log "$LOGS/suite-pack.log" 30
    die "yarn pack of $name failed"
  }
  node "$here/packages.mts" verify "$tgz" "$REGISTRY" >>"$WORK/packed.jsonl" ||
    die "the packed $name is not installable as published (above)"
  timeout 120 npm publish "$tgz" --userconfig "$WORK/npmrc" --registry "$REGISTRY/" \
    --tag latest --access public >>"$LOGS/suite-publish.log" 2>&1 || {
    show_log "$LOGS/suite-publish.log" 30
    die "publishing $name to $REGISTRY failed"
  }
  log "published $name"
done
cd /

start_backend() {
  start_bg backend env "${app_vars[@]}" bash -c "cd '$APP' && exec yarn --cwd packages/backend start"
  wait_http backend "$BACKEND_URL/.backstage/health/v1/readiness" "$TIMEOUT_BACKEND"
}



step "variant: only the backend plugin (no runtime module)"
backend_plugin="$(grep -P '\tbackend-plugin$' <(printf '%s\n' "${publishable[@]}") | cut -f1 | head -n1)"
local_module="$(printf '%s\n' "${publishable[@]}" | cut -f1 | grep -E -- '-backend-module-local$' | head -n1)"
[ -n "$backend_plugin" ] || die "no publishable workspace has backstage.role backend-plugin"
[ -n "$local_module" ] || die "no publishable workspace named …-backend-module-local"
app_yarn "$LOGS/variant-add.log" 600 yarn --cwd packages/backend add "$backend_plugin" || {
  show_log "$LOGS/variant-add.log" 30
  die "yarn --cwd packages/backend add $backend_plugin failed"
}
node "$here/app.mts" backend-add "$APP/packages/backend/src/index.ts" "$WORK/readme.json" "$backend_plugin" >&2
node "$here/app.mts" merge-yaml "$APP/app-config.yaml" "$WORK/readme.json" >&2
if start_backend; then
  run_check timeout 600 node "$here/checks.mts" backend-only "$BACKEND_URL" "$template_id" "$local_module"
else
  check_not_run "backend only: start" "the backend with only the backend plugin did not start (logs/backend-only-backend.log)"
  failed_checks=$((failed_checks + 1))
fi
stop_bg backend
[ ! -f "$LOGS/backend.log" ] || mv "$LOGS/backend.log" "$LOGS/backend-only-backend.log"
sweep_strays

step "README: apply the install section"
i=0
while IFS= read -r command; do
  i=$((i + 1))
  log "\$ $command"
  app_yarn "$LOGS/readme-command-$i.log" 900 bash -c "$command" || {
    show_log "$LOGS/readme-command-$i.log" 30
    die "README command failed: $command"
  }
done < <(node -e 'for (const c of require(process.argv[1]).commands) console.log(c)' "$WORK/readme.json")
node "$here/app.mts" backend-add "$APP/packages/backend/src/index.ts" "$WORK/readme.json" >&2
# The yaml was merged for the variant above; the file already holds it.

step "app: start the backend"
start_backend || die "the app's backend did not start with the suite installed"

step "checks: API, launch and proxy on the local runtime"
run_check timeout 600 node "$here/checks.mts" full "$BACKEND_URL" "$template_id"

step "app: start the frontend"
start_bg frontend env "${app_vars[@]}" bash -c "cd '$APP' && exec yarn --cwd packages/app start"
wait_http frontend "$FRONTEND_URL/" "$TIMEOUT_FRONTEND" ||
  die "the app's frontend dev server did not answer"

step "checks: the gateway page in Chromium"
aigc_ensure_chromium
run_check timeout 600 node "$here/browser.mts" "$FRONTEND_URL" "$template_title" \
  "$RESULTS/aigc-gateway-page.png"

step "stop the app"
stop_bg frontend
stop_bg backend
sweep_strays
end_step ok
