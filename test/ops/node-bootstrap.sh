#!/usr/bin/env bash
# ops/node/use-node24.sh: an older `node` on PATH gets the pinned Node 24 (from the .infra cache,
# no download once cached); a Node 24 already on PATH is used as it is. Exit 1 on the first failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fails=0
check() { if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected '$3', got '$2'"; fails=$((fails + 1)); fi; }
fake_node() { # fake_node <dir> <version>: a `node` that reports that version, as the machine's would
  mkdir -p "$1"
  printf '#!/usr/bin/env bash\nif [ "${1:-}" = "-p" ]; then echo "%s" | cut -d. -f1; else echo "v%s"; fi\n' "$2" "$2" >"$1/node"
  chmod +x "$1/node"
}
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
# Warm the cache the way a fresh machine's first `npm test` does (a no-op when it already is): with the
# machine's own PATH, not the caller's, which may already carry a Node 24 (then nothing would be cached).
PATH="/usr/local/bin:/usr/bin:/bin" bash -c "source '$ROOT/ops/node/use-node24.sh'" >/dev/null 2>&1 || { echo "FAIL could not install Node 24"; exit 1; }

fake_node "$tmp/old" 20.20.2
out="$(PATH="$tmp/old:/usr/bin:/bin" bash -c "source '$ROOT/ops/node/use-node24.sh' && node --version && command -v node" 2>"$tmp/err")"
check "an older node on PATH → the pinned Node 24" "$(echo "$out" | head -1)" "v$(sed -n 's/^NODE24_VERSION="\(.*\)"/\1/p' "$ROOT/ops/node/use-node24.sh")"
check "it comes from the .infra cache" "$(echo "$out" | tail -1)" "$ROOT/.infra/node/$(sed -n 's/^NODE24_VERSION="\(.*\)"/\1/p' "$ROOT/ops/node/use-node24.sh")/bin/node"
check "nothing downloaded once cached" "$(grep -c fetching "$tmp/err")" "0"

fake_node "$tmp/new" 24.1.0
out="$(PATH="$tmp/new:/usr/bin:/bin" bash -c "source '$ROOT/ops/node/use-node24.sh' && command -v node" 2>&1)"
check "a Node 24 already on PATH is used as it is" "$out" "$tmp/new/node"

((fails == 0)) || exit 1
