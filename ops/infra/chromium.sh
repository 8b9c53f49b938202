#!/usr/bin/env bash
# Debian's Chromium, the browser of the /docs page test (test/e2e/docs-page.test.ts drives it with
# playwright-core, which downloads no browser of its own).
#   ops/infra/chromium.sh install
# Installs the `chromium` package with apt only when /usr/bin/chromium is missing.
set -euo pipefail
# shellcheck source=ops/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHROMIUM_BIN="${CHROMIUM_PATH:-/usr/bin/chromium}"

install() {
  if [[ -x "$CHROMIUM_BIN" ]]; then
    log "chromium: already installed ($("$CHROMIUM_BIN" --version 2>/dev/null | head -n 1))"
    return 0
  fi
  [[ "$(id -u)" == 0 ]] || die chromium - "$CHROMIUM_BIN missing and installing it needs root: apt-get install -y --no-install-recommends chromium"
  need_cmd chromium apt-get "a Debian/Ubuntu machine is required"
  mkdir -p "$INFRA_DIR/chromium"
  local alog="$INFRA_DIR/chromium/apt.log"
  log "chromium: installing chromium from Debian, log: $alog"
  export DEBIAN_FRONTEND=noninteractive
  # Try with the current package lists first; refresh them only when that fails.
  if ! apt-get install -y --no-install-recommends chromium >"$alog" 2>&1; then
    apt-get update >>"$alog" 2>&1 || die chromium "$alog" "apt-get update failed"
    apt-get install -y --no-install-recommends chromium >>"$alog" 2>&1 || die chromium "$alog" "apt-get install chromium failed"
  fi
  [[ -x "$CHROMIUM_BIN" ]] || die chromium "$alog" "installed, but $CHROMIUM_BIN is still missing"
  log "chromium: installed ($("$CHROMIUM_BIN" --version 2>/dev/null | head -n 1))"
}

case "${1:-}" in
  install) install ;;
  *) echo "usage: $0 install" >&2; exit 2 ;;
esac
