#!/usr/bin/env bash
# promtool (Prometheus rule tests) and amtool (Alertmanager config checks) from Debian.
#   ops/infra/promtool.sh install
# Installs `prometheus prometheus-alertmanager` with apt only when promtool or amtool is missing.
# Debian's prometheus package also ships a service; nothing here starts it (no systemd needed).
set -euo pipefail
# shellcheck source=ops/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install() {
  if command -v promtool >/dev/null 2>&1 && command -v amtool >/dev/null 2>&1; then
    log "promtool: already installed ($(promtool --version 2>&1 | head -n 1); $(amtool --version 2>&1 | head -n 1))"
    return 0
  fi
  [[ "$(id -u)" == 0 ]] || die promtool - "promtool/amtool missing and installing them needs root: apt-get install -y --no-install-recommends prometheus prometheus-alertmanager"
  need_cmd promtool apt-get "a Debian/Ubuntu machine is required"
  mkdir -p "$INFRA_DIR/promtool"
  local alog="$INFRA_DIR/promtool/apt.log"
  log "promtool: installing prometheus prometheus-alertmanager from Debian, log: $alog"
  export DEBIAN_FRONTEND=noninteractive
  # Try with the current package lists first; refresh them only when that fails.
  if ! apt-get install -y --no-install-recommends prometheus prometheus-alertmanager >"$alog" 2>&1; then
    apt-get update >>"$alog" 2>&1 || die promtool "$alog" "apt-get update failed"
    apt-get install -y --no-install-recommends prometheus prometheus-alertmanager >>"$alog" 2>&1 ||
      die promtool "$alog" "apt-get install prometheus prometheus-alertmanager failed"
  fi
  command -v promtool >/dev/null && command -v amtool >/dev/null ||
    die promtool "$alog" "installed, but promtool/amtool still not on PATH"
  log "promtool: installed ($(promtool --version 2>&1 | head -n 1))"
}

case "${1:-}" in
  install) install ;;
  *) echo "usage: $0 install" >&2; exit 2 ;;
esac
