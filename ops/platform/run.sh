#!/usr/bin/env bash
# Runs the platform's processes (ops/platform/processes.ts, compiled: `npm run build` first) with
# the environment it is given, until Ctrl-C / SIGTERM or until one of them dies. Used by `npm start`
# and by the benchmarks.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# The processes, supervised by this script: output
# prefixed with the process name; each in its own session, so Ctrl-C reaches only this script, which
# then sends each process one SIGTERM (a second signal would make a process exit at once instead of
# finishing its work in hand). One process dying stops the others.
mapfile -t SPECS < <(node -e 'for (const p of require("./dist/ops/platform/processes.js").PROCESSES) console.log([p.name, p.entry, ...p.args].join(" "))')
read -r -a NODE_FLAGS < <(node -e 'console.log(require("./dist/ops/platform/processes.js").NODE_FLAGS.join(" "))')
PIDS=()
NAMES=()
for spec in "${SPECS[@]}"; do
  read -r name entry args <<<"$spec"
  # shellcheck disable=SC2086 # args are words by design
  # The prefixing seds ignore Ctrl-C: they end when their process closes its output, so the
  # shutdown's last lines still get through.
  setsid node "${NODE_FLAGS[@]}" "$entry" $args > >(trap '' INT; exec sed -u "s/^/[$name] /") 2> >(trap '' INT; exec sed -u "s/^/[$name] /" >&2) &
  PIDS+=("$!")
  NAMES+=("$name")
done

stopping=0
stop_all() {
  stopping=1
  kill -TERM "${PIDS[@]}" 2>/dev/null || true
  for _ in $(seq 150); do
    alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    ((alive)) || return 0
    sleep 0.1
  done
  echo "[start] still running after 15 s; killing" >&2
  kill -KILL "${PIDS[@]}" 2>/dev/null || true
}
trap 'stop_all' INT TERM
status=0
wait -n "${PIDS[@]}" || status=$?
if ((!stopping)); then
  for i in "${!PIDS[@]}"; do
    kill -0 "${PIDS[$i]}" 2>/dev/null || echo "[${NAMES[$i]}] exited (status $status); stopping the platform" >&2
  done
  stop_all
  exit 1
fi
wait || true
