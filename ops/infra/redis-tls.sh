#!/usr/bin/env bash
# A second, throw-away Redis that speaks only TLS and requires a password, for the hardening tests
# (rediss:// with a CA and AUTH). The machine's own Redis on 6379 is left alone.
#   ops/infra/redis-tls.sh start|stop|status
# TLS on 127.0.0.1:${REDIS_TLS_PORT:-6380} with the test certificate of tls.sh; no plain port; no
# persistence. The password is random per machine, kept in .infra/redis-tls/redis.conf and
# .infra/redis-tls/password (mode 0600), never on a command line.
set -euo pipefail
# shellcheck source=ops/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REDIS_TLS_PORT="${REDIS_TLS_PORT:-6380}"
REDIS_TLS_DIR="$INFRA_DIR/redis-tls"
REDIS_TLS_LOG="$REDIS_TLS_DIR/redis.log"
TLS_DIR="$INFRA_DIR/tls"

is_ready() {
  port_open 127.0.0.1 "$REDIS_TLS_PORT" || return 1
  REDISCLI_AUTH="$(cat "$REDIS_TLS_DIR/password")" redis-cli --tls --cacert "$TLS_DIR/ca.pem" -h localhost -p "$REDIS_TLS_PORT" ping 2>/dev/null | grep -q PONG
}

start() {
  need_cmd redis-tls redis-server "the machine's Redis package"
  if pid_of redis-tls >/dev/null && is_ready; then
    log "redis-tls: already running (pid $(pid_of redis-tls)), reusing 127.0.0.1:$REDIS_TLS_PORT"
    return 0
  fi
  port_open 127.0.0.1 "$REDIS_TLS_PORT" && die redis-tls - "port $REDIS_TLS_PORT is in use by a process these scripts did not start"
  bash "$INFRA_SCRIPTS_DIR/tls.sh" make
  mkdir -p "$REDIS_TLS_DIR"
  chmod 700 "$REDIS_TLS_DIR"
  [[ -s "$REDIS_TLS_DIR/password" ]] || (umask 077 && openssl rand -hex 24 >"$REDIS_TLS_DIR/password")
  (
    umask 077
    cat >"$REDIS_TLS_DIR/redis.conf" <<CONF
bind 127.0.0.1
port 0
tls-port $REDIS_TLS_PORT
tls-cert-file $TLS_DIR/server.pem
tls-key-file $TLS_DIR/server.key
tls-ca-cert-file $TLS_DIR/ca.pem
tls-auth-clients no
requirepass $(cat "$REDIS_TLS_DIR/password")
save ""
appendonly no
dir $REDIS_TLS_DIR
CONF
  )
  # Redis rewrites its process title to "redis-server <bind>:<port>" once it runs; before that the
  # command line is "redis-server <conf>": the marker must match both.
  start_bg redis-tls "$REDIS_TLS_LOG" "redis-server" redis-server "$REDIS_TLS_DIR/redis.conf"
  wait_until redis-tls "$REDIS_TLS_LOG" 20 redis-tls is_ready
}

stop() { stop_pid redis-tls 10; }
status() { status_line redis-tls 127.0.0.1 "$REDIS_TLS_PORT"; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
