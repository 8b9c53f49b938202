#!/usr/bin/env bash
# A second, throw-away PostgreSQL cluster that accepts only TLS connections with a password, for the
# hardening tests (sslmode=verify-full against the test CA). The machine's own PostgreSQL on 5432 is
# left alone.
#   ops/infra/pg-tls.sh start|stop|status
# 127.0.0.1:${PG_TLS_PORT:-5433}, the test certificate of tls.sh, pg_hba: hostssl + scram-sha-256 only
# (plain TCP is rejected). Database `stateset`, login role `stateset` with a random per-machine
# password in .infra/pg-tls/password (0600). Runs as the `postgres` system user (initdb refuses root).
set -euo pipefail
# shellcheck source=ops/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_TLS_PORT="${PG_TLS_PORT:-5433}"
PG_TLS_DIR="$INFRA_DIR/pg-tls"
PG_DATA="$PG_TLS_DIR/data"
PG_TLS_LOG="$PG_TLS_DIR/postgres.log"
TLS_DIR="$INFRA_DIR/tls"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"

as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }

is_ready() { as_postgres "$PG_BIN/pg_isready" -q -h "$PG_TLS_DIR" -p "$PG_TLS_PORT"; }

init_cluster() {
  log "pg-tls: initdb in $PG_DATA"
  rm -rf "$PG_DATA"
  mkdir -p "$PG_DATA"
  chown postgres:postgres "$PG_TLS_DIR" "$PG_DATA"
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=trust --auth-host=reject >>"$PG_TLS_LOG" 2>&1 ||
    die pg-tls "$PG_TLS_LOG" "initdb failed"
  # The server reads its key as the postgres user, 0600; a copy keeps the shared test key readable by root only.
  install -o postgres -g postgres -m 0600 "$TLS_DIR/server.key" "$PG_DATA/server.key"
  install -o postgres -g postgres -m 0644 "$TLS_DIR/server.pem" "$PG_DATA/server.crt"
  cat >"$PG_DATA/pg_hba.conf" <<HBA
local     all  postgres                trust
hostssl   all  all       127.0.0.1/32  scram-sha-256
hostnossl all  all       0.0.0.0/0     reject
HBA
  chown postgres:postgres "$PG_DATA/pg_hba.conf"
}

# The login role (the schema owner of the tests: it creates the per-process roles, so CREATEROLE) and
# its database; run on every start, so a cluster made by an older script gets the same.
ensure_login_role() {
  # The login role's password from the file, over stdin of the local trust socket (never on a command
  # line); it is hex (openssl rand), so it needs no quoting.
  {
    echo "SELECT 'CREATE ROLE stateset LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'stateset') \\gexec"
    echo "ALTER ROLE stateset CREATEROLE PASSWORD '$(cat "$PG_TLS_DIR/password")';"
    echo "SELECT 'CREATE DATABASE stateset OWNER stateset' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'stateset') \\gexec"
  } | as_postgres "$PG_BIN/psql" -q -h "$PG_TLS_DIR" -p "$PG_TLS_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 >>"$PG_TLS_LOG" 2>&1 ||
    die pg-tls "$PG_TLS_LOG" "could not create the stateset role and database"
}

start() {
  [[ -x "$PG_BIN/postgres" ]] || die pg-tls - "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
  need_cmd pg-tls setpriv "util-linux"
  if pid_of pg-tls >/dev/null && is_ready; then
    log "pg-tls: already running (pid $(pid_of pg-tls)), reusing 127.0.0.1:$PG_TLS_PORT"
    ensure_login_role
    return 0
  fi
  port_open 127.0.0.1 "$PG_TLS_PORT" && die pg-tls - "port $PG_TLS_PORT is in use by a process these scripts did not start"
  bash "$INFRA_SCRIPTS_DIR/tls.sh" make
  mkdir -p "$PG_TLS_DIR"
  # A certificate renewed by tls.sh means a new cluster: the copy in the data folder would be stale.
  if [[ ! -s "$PG_DATA/PG_VERSION" ]] || ! cmp -s "$TLS_DIR/server.pem" "$PG_DATA/server.crt"; then init_cluster; fi
  [[ -s "$PG_TLS_DIR/password" ]] || (umask 077 && openssl rand -hex 24 >"$PG_TLS_DIR/password")
  chown postgres:postgres "$PG_TLS_LOG" 2>/dev/null || true
  start_bg pg-tls "$PG_TLS_LOG" "$PG_DATA" setpriv --reuid=postgres --regid=postgres --init-groups -- \
    "$PG_BIN/postgres" -D "$PG_DATA" -p "$PG_TLS_PORT" -c listen_addresses=127.0.0.1 -c "unix_socket_directories=$PG_TLS_DIR" \
    -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key -c ssl_min_protocol_version=TLSv1.2 \
    -c password_encryption=scram-sha-256 -c fsync=off -c full_page_writes=off -c shared_buffers=32MB
  wait_until pg-tls "$PG_TLS_LOG" 30 pg-tls is_ready
  ensure_login_role
}

stop() { stop_pid pg-tls 20; }
status() { status_line pg-tls 127.0.0.1 "$PG_TLS_PORT"; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
