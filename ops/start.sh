#!/usr/bin/env bash
# `npm start`: infrastructure, migrations, topics, schemas, a demo tenant with an admin key, then
# the three platform processes (gateway, one worker for every domain, audit sink), compiled and run
# with `node dist/…` on Node 24, with Prometheus and Alertmanager watching them (ops/prometheus,
# ops/alertmanager). Ctrl-C stops the processes and the infrastructure this started.
# STATESET_MONITORING=0 leaves Prometheus and Alertmanager out.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=ops/node/use-node24.sh
source ops/node/use-node24.sh

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build

# Prometheus + Alertmanager: the Debian packages the rule tests use. Installed when missing and this
# runs as root; otherwise the platform starts without them and the message below says so.
monitoring="${STATESET_MONITORING:-1}"
if [ "$monitoring" = 1 ] && [ "$(id -u)" != 0 ] && ! { command -v prometheus && command -v promtool && command -v amtool &&
  { command -v prometheus-alertmanager || command -v alertmanager; }; } >/dev/null; then
  echo "[start] WARNING: Prometheus/Alertmanager not installed and installing them needs root (apt-get install prometheus prometheus-alertmanager): starting without monitoring" >&2
  monitoring=0
fi
if [ "$monitoring" = 1 ]; then bash ops/infra/up.sh --with-monitoring; else bash ops/infra/up.sh; fi
# shellcheck disable=SC1091
source .infra/env
export LOG_LEVEL="${LOG_LEVEL:-info}"
# The local demo runs on the development secrets, which the config accepts only when told so.
export NODE_ENV="${NODE_ENV:-development}"

node dist/ops/cli/main.js setup
TENANT="${DEMO_TENANT:-demo}"
KEY_JSON="$(node dist/ops/cli/main.js keys create --tenant "$TENANT" --role admin --name "npm start demo key" --json)"
KEY="$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).key)' "$KEY_JSON")"
PORT="${HTTP_PORT:-3000}"
if [ "$monitoring" = 1 ]; then
  PROM="http://127.0.0.1:${PROMETHEUS_PORT:-9090}"
  MONITORING_MSG="Prometheus:   ${PROM}/targets  (every process \`up\`?), ${PROM}/alerts  (rules and what fires)
Alertmanager: http://127.0.0.1:${ALERTMANAGER_PORT:-9095}  (routes: ops/alertmanager/alertmanager.yml; its webhooks are placeholders)
Grafana dashboard to import: ops/grafana/dashboards/stateset-overview.json  (data source: ${PROM})"
else
  MONITORING_MSG="Monitoring: not running (STATESET_MONITORING=0, or not installed: see the warning above)"
fi

cat <<MSG

StateSet is starting on http://127.0.0.1:${PORT}  (docs: http://127.0.0.1:${PORT}/docs)
Demo tenant: ${TENANT}
${MONITORING_MSG}
Admin API key (shown once; a new one is made at every start):
  ${KEY}

Stock a SKU (otherwise the order goes on hold: "unknown SKU"):
  curl -s -X POST http://127.0.0.1:${PORT}/v1/inventory/items -H 'X-API-Key: ${KEY}' -H 'Content-Type: application/json' \
    -d '{"sku":"SKU-1","name":"Demo widget"}'
  curl -s -X POST http://127.0.0.1:${PORT}/v1/inventory/items/SKU-1/adjustments -H 'X-API-Key: ${KEY}' \
    -H 'Content-Type: application/json' -d '{"delta":100,"reason":"received"}'
Create an order:
  curl -si -X POST http://127.0.0.1:${PORT}/v1/orders \\
    -H 'X-API-Key: ${KEY}' -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-1' \\
    -d '{"customerId":"cust-1","currency":"EUR","items":[{"sku":"SKU-1","quantity":2,"unitPriceMinor":1250}]}'
Poll its operation (use the Location header of the answer above):
  curl -s http://127.0.0.1:${PORT}/v1/operations/<operation-id> -H 'X-API-Key: ${KEY}' -H 'Prefer: wait=10'

Ctrl-C stops everything.
MSG

cleanup() {
  if [ "${STATESET_KEEP_INFRA:-0}" != "1" ]; then bash ops/infra/down.sh || true; fi
}
trap cleanup EXIT

bash ops/platform/run.sh &
PLATFORM_PID=$!
# A background job of a script ignores Ctrl-C: pass it on as one SIGTERM; the supervisor stops the
# processes, then the EXIT trap stops the infrastructure.
trap 'kill -TERM "$PLATFORM_PID" 2>/dev/null || true' INT TERM
while kill -0 "$PLATFORM_PID" 2>/dev/null; do wait "$PLATFORM_PID" || true; done
