#!/usr/bin/env bash
# `npm run bench`: Node 24, the dependencies when missing (fresh clone), then the harness
# (ops/bench/run.ts), which starts the infrastructure itself when .infra/env names none running.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=ops/node/use-node24.sh
source ops/node/use-node24.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# The bench runs its own platform on the development secrets.
export NODE_ENV="${NODE_ENV:-development}"
exec node_modules/.bin/tsx ops/bench/run.ts "$@"
