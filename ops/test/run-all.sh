#!/usr/bin/env bash
# `npm test`: installs and starts what the tests need (Kafka, schema registry, Ceph radosgw,
# promtool/amtool, Debian's chromium; PostgreSQL and Redis must already run), then lint, schema checks, the OpenAPI
# linters, the unit tier, the integration + e2e tiers against the real services, the
# fault-injection scenarios, and the Prometheus rule tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=ops/node/use-node24.sh
source ops/node/use-node24.sh
started=$(date +%s)
step() { printf '\n=== %s (%ss)\n' "$1" "$(( $(date +%s) - started ))"; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund
fi

step "infrastructure"
bash ops/infra/up.sh --with-s3 --with-promtool --with-chromium
# shellcheck disable=SC1091
source .infra/env

step "lint (node $(node --version))"
npm run --silent lint

step "build (tsc → dist/, what npm start and the process tests run)"
npm run --silent build

step "schema contracts"
npm run --silent schemas:check

step "OpenAPI document (Redocly recommended; Spectral oas + OWASP API Security)"
npm run --silent lint:openapi

step "unit tier"
npm run --silent test:unit

step "integration and e2e tiers (real Kafka, registry, PostgreSQL, Redis, S3)"
npm run --silent test:integration

step "fault injection (real services: crashes, restarts, outages; one summary line per scenario)"
npm run --silent test:faults

step "Prometheus rules and Alertmanager routes"
bash test/ops/prometheus-rules.sh

step "Node 24 bootstrap"
bash test/ops/node-bootstrap.sh

step "all tests passed"
