#!/usr/bin/env bash
# Runs a command with Node 24 first on PATH (see use-node24.sh): `bash ops/node/with-node24.sh tsx ops/cli/main.ts …`
set -euo pipefail
# shellcheck source=ops/node/use-node24.sh
source "$(dirname "${BASH_SOURCE[0]}")/use-node24.sh"
PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/node_modules/.bin:$PATH"
exec "$@"
