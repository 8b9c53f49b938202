#!/usr/bin/env bash
# Alertmanager (Debian's `prometheus-alertmanager` package) as an ordinary background process, for
# `npm start`.
#   ops/infra/alertmanager.sh start|stop|status
# Listens on 127.0.0.1:${ALERTMANAGER_PORT:-9095} (the usual 9093 is Kafka's controller port here);
# clustering off (its gossip port would be 9094, Kafka's SASL_SSL listener). Routes:
# ops/alertmanager/alertmanager.yml (ALERTMANAGER_CONFIG overrides it); silences and notification
# state in .infra/alertmanager/data. The Debian systemd service is not used.
set -euo pipefail
# shellcheck source=ops/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ALERTMANAGER_PORT="${ALERTMANAGER_PORT:-9095}"
ALERTMANAGER_CONFIG="${ALERTMANAGER_CONFIG:-$REPO_ROOT/ops/alertmanager/alertmanager.yml}"
ALERTMANAGER_DIR="$INFRA_DIR/alertmanager"
ALERTMANAGER_LOG="$ALERTMANAGER_DIR/alertmanager.log"
URL="http://127.0.0.1:$ALERTMANAGER_PORT"

# Debian names the binary prometheus-alertmanager; upstream tarballs name it alertmanager.
binary() { command -v prometheus-alertmanager || command -v alertmanager; }
is_ready() { curl -sf -o /dev/null "$URL/-/ready"; }

start() {
  binary >/dev/null || die alertmanager - "required command 'prometheus-alertmanager' not found (Debian package prometheus-alertmanager: ops/infra/promtool.sh install)"
  need_cmd alertmanager curl
  if pid_of alertmanager >/dev/null && is_ready; then
    log "alertmanager: already running (pid $(pid_of alertmanager)), reusing $URL"
    return 0
  fi
  port_open 127.0.0.1 "$ALERTMANAGER_PORT" && die alertmanager - "port $ALERTMANAGER_PORT is in use by a process these scripts did not start (ALERTMANAGER_PORT moves it)"
  [[ -r "$ALERTMANAGER_CONFIG" ]] || die alertmanager - "config $ALERTMANAGER_CONFIG not readable"
  mkdir -p "$ALERTMANAGER_DIR/data"
  start_bg alertmanager "$ALERTMANAGER_LOG" "--storage.path=$ALERTMANAGER_DIR/data" \
    "$(binary)" --config.file="$ALERTMANAGER_CONFIG" --storage.path="$ALERTMANAGER_DIR/data" \
    --web.listen-address="127.0.0.1:$ALERTMANAGER_PORT" --cluster.listen-address=
  wait_until alertmanager "$ALERTMANAGER_LOG" "${ALERTMANAGER_READY_TIMEOUT:-30}" alertmanager is_ready
}

stop() { stop_pid alertmanager 10; }
status() { status_line alertmanager 127.0.0.1 "$ALERTMANAGER_PORT"; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
