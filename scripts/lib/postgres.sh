# shellcheck shell=bash
# Starts a throw-away PostgreSQL 15 server for the test run (Debian's package,
# installed when missing) and exports the connection string Backstage's
# TestDatabases reads. The server and its data go away when the run ends.

aigc_pg_bin() { echo /usr/lib/postgresql/15/bin; }

aigc_ensure_postgres_installed() {
  if [ ! -x "$(aigc_pg_bin)/postgres" ]; then
    echo "aigc: installing PostgreSQL 15 (Debian package postgresql-15)" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
  fi
}

# Usage: aigc_start_postgres <port>; sets AIGC_PG_DIR.
aigc_start_postgres() {
  local port="$1" bin run_as=()
  aigc_ensure_postgres_installed
  bin="$(aigc_pg_bin)"
  AIGC_PG_DIR="$(mktemp -d /tmp/aigc-pg.XXXXXX)"
  # PostgreSQL refuses to run as root.
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$AIGC_PG_DIR"
    run_as=(runuser -u postgres --)
  fi
  "${run_as[@]}" "$bin/initdb" -D "$AIGC_PG_DIR/data" -U postgres -A trust --no-sync >/dev/null
  if ! "${run_as[@]}" "$bin/pg_ctl" -D "$AIGC_PG_DIR/data" -l "$AIGC_PG_DIR/server.log" -w \
    -o "-p $port -k $AIGC_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null; then
    tail -n 5 "$AIGC_PG_DIR/server.log" >&2
    return 1
  fi
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="postgresql://postgres@127.0.0.1:$port"
  export AIGC_PG_RUN_AS="${run_as[*]}"
}

aigc_stop_postgres() {
  [ -n "${AIGC_PG_DIR:-}" ] || return 0
  ${AIGC_PG_RUN_AS:-} "$(aigc_pg_bin)/pg_ctl" -D "$AIGC_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$AIGC_PG_DIR"
}
