#!/usr/bin/env bash
# Prometheus (Debian's `prometheus` package) as an ordinary background process, for `npm start`.
#   ops/infra/prometheus.sh start|stop|status
# Listens on 127.0.0.1:${PROMETHEUS_PORT:-9090}; TSDB in .infra/prometheus/data (kept across stops).
# Runs the config prometheus-config.ts renders from ops/prometheus/prometheus.yml (PROMETHEUS_CONFIG
# overrides it): the project's rules, the Alertmanager of alertmanager.sh, every platform process.
# Ready when /-/ready answers and the rules are loaded. The Debian systemd service is not used.
set -euo pipefail
# shellcheck source=ops/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PROMETHEUS_PORT="${PROMETHEUS_PORT:-9090}"
PROMETHEUS_DIR="$INFRA_DIR/prometheus"
PROMETHEUS_LOG="$PROMETHEUS_DIR/prometheus.log"
PROMETHEUS_RENDERED="$PROMETHEUS_DIR/prometheus.yml"
URL="http://127.0.0.1:$PROMETHEUS_PORT"

is_ready() {
  curl -sf -o /dev/null "$URL/-/ready" || return 1
  # Rules are loaded after the listener opens: ready only when at least one group is there.
  curl -sf "$URL/api/v1/rules" | grep -q '"groups":\[{'
}

start() {
  need_cmd prometheus prometheus "Debian package prometheus: ops/infra/promtool.sh install"
  need_cmd prometheus curl
  if pid_of prometheus >/dev/null && is_ready; then
    log "prometheus: already running (pid $(pid_of prometheus)), reusing $URL"
    return 0
  fi
  port_open 127.0.0.1 "$PROMETHEUS_PORT" && die prometheus - "port $PROMETHEUS_PORT is in use by a process these scripts did not start (PROMETHEUS_PORT moves it)"
  mkdir -p "$PROMETHEUS_DIR/data"
  "$REPO_ROOT/node_modules/.bin/tsx" "$INFRA_SCRIPTS_DIR/prometheus-config.ts" "$PROMETHEUS_RENDERED" ||
    die prometheus - "could not render $PROMETHEUS_RENDERED"
  if command -v promtool >/dev/null 2>&1; then
    promtool check config "$PROMETHEUS_RENDERED" >"$PROMETHEUS_DIR/check.out" 2>&1 ||
      die prometheus "$PROMETHEUS_DIR/check.out" "promtool check config $PROMETHEUS_RENDERED failed"
  fi
  # The marker (the data path) is unique per INFRA_DIR: a second copy never takes this one's pid.
  start_bg prometheus "$PROMETHEUS_LOG" "--storage.tsdb.path=$PROMETHEUS_DIR/data" \
    prometheus --config.file="$PROMETHEUS_RENDERED" --storage.tsdb.path="$PROMETHEUS_DIR/data" \
    --storage.tsdb.retention.time=7d --web.listen-address="127.0.0.1:$PROMETHEUS_PORT"
  wait_until prometheus "$PROMETHEUS_LOG" "${PROMETHEUS_READY_TIMEOUT:-60}" prometheus is_ready
}

stop() { stop_pid prometheus 20; }
status() { status_line prometheus 127.0.0.1 "$PROMETHEUS_PORT"; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
