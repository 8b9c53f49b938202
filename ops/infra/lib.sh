# shellcheck shell=bash
# Shared helpers for the local-infrastructure scripts (ops/infra/*.sh).
# Sourced, never executed. Every path is computed from this file's location so the
# scripts work from any clone, in any folder.

set -euo pipefail

INFRA_SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_SCRIPTS_DIR/../.." && pwd)"
# Everything downloaded, generated or running lives here (ignored by git).
INFRA_DIR="${INFRA_DIR:-$REPO_ROOT/.infra}"
# Downloads survive down.sh; delete this folder to force a re-download.
CACHE_DIR="$INFRA_DIR/cache"
# One <component>.pid file per process started by these scripts.
RUN_DIR="$INFRA_DIR/run"
ENV_FILE="$INFRA_DIR/env"

mkdir -p "$CACHE_DIR" "$RUN_DIR"

_ts() { date +%H:%M:%S; }
log() { printf '[%s] [infra] %s\n' "$(_ts)" "$*" >&2; }
warn() { printf '[%s] [infra] WARNING: %s\n' "$(_ts)" "$*" >&2; }

# die <component> <logfile|-> <message...>: print a clear error naming the component and
# its log file (with the log's last lines), then exit non-zero.
die() {
  local component="$1" logfile="$2"
  shift 2
  printf '[%s] [infra] ERROR [%s]: %s\n' "$(_ts)" "$component" "$*" >&2
  if [[ "$logfile" != "-" ]]; then
    printf '[infra] ERROR [%s]: see log file %s\n' "$component" "$logfile" >&2
    if [[ -s "$logfile" ]]; then
      printf '[infra] ---- last 25 lines of %s ----\n' "$logfile" >&2
      tail -n 25 "$logfile" >&2 || true
      printf '[infra] ---- end of %s ----\n' "$logfile" >&2
    fi
  fi
  exit 1
}

need_cmd() {
  local component="$1" cmd="$2" hint="${3:-}"
  command -v "$cmd" >/dev/null 2>&1 || die "$component" - "required command '$cmd' not found${hint:+ ($hint)}"
}

# port_open <host> <port>: true when a TCP connection succeeds (1 s limit).
port_open() {
  timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" >/dev/null 2>&1
}

pid_file() { printf '%s/%s.pid\n' "$RUN_DIR" "$1"; }

# pid_of <name>: the pid recorded in the pid file, if that process is still alive.
# The pid file holds "<pid> <marker>"; the marker must appear in /proc/<pid>/cmdline so
# a recycled pid of an unrelated process is never mistaken for ours.
pid_of() {
  local f pid marker
  f="$(pid_file "$1")"
  [[ -s "$f" ]] || return 1
  read -r pid marker <"$f" || true
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -n "${marker:-}" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
  fi
  printf '%s\n' "$pid"
}

# start_bg <name> <logfile> <marker> <cmd...>: start cmd detached (own session, survives
# the calling shell), stdout+stderr appended to logfile, pid recorded in run/<name>.pid.
start_bg() {
  local name="$1" logfile="$2" marker="$3"
  shift 3
  mkdir -p "$(dirname "$logfile")"
  printf '\n===== %s start %s =====\n' "$name" "$(date -Is)" >>"$logfile"
  setsid nohup "$@" >>"$logfile" 2>&1 </dev/null &
  local pid=$!
  printf '%s %s\n' "$pid" "$marker" >"$(pid_file "$name")"
  log "$name started (pid $pid), log: $logfile"
}

# started_alive <name>: the process recorded by start_bg is still running.
started_alive() {
  local f pid
  f="$(pid_file "$1")"
  [[ -s "$f" ]] || return 1
  read -r pid _ <"$f" || true
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

# wait_until <component> <logfile> <timeout-seconds> <pid-name> <check-cmd...>
# Polls check-cmd every second; fails fast if the process dies, fails after the timeout.
wait_until() {
  local component="$1" logfile="$2" limit="$3" pname="$4"
  shift 4
  local start=$SECONDS
  while true; do
    if "$@" >/dev/null 2>&1; then
      log "$component ready after $((SECONDS - start)) s"
      return 0
    fi
    # Liveness of the pid just started (not pid_of's marker check: a process that is exec'ing or
    # rewriting its title — Redis does at start — can briefly show another command line).
    if [[ -n "$pname" ]] && ! started_alive "$pname"; then
      die "$component" "$logfile" "process exited before becoming ready"
    fi
    if ((SECONDS - start >= limit)); then
      die "$component" "$logfile" "not ready after ${limit} s (still running: pid $(pid_of "$pname" || echo '?'); stop it with ops/infra/down.sh)"
    fi
    sleep 1
  done
}

# stop_pid <name> [grace-seconds]: SIGTERM the recorded process, SIGKILL after the grace
# period, remove the pid file. Only ever touches the pid recorded by start_bg.
stop_pid() {
  local name="$1" grace="${2:-30}" pid i
  if ! pid="$(pid_of "$name")"; then
    rm -f "$(pid_file "$name")"
    log "$name: not running"
    return 0
  fi
  log "$name: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$name: pid $pid still alive after ${grace} s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$(pid_file "$name")"
  log "$name: stopped"
}

# status_line <name> <host> <port>: prints one status line, returns 0 when pid alive and port answers.
status_line() {
  local name="$1" host="$2" port="$3" pid rss
  if pid="$(pid_of "$name")"; then
    rss="$(awk '/VmRSS/ {printf "%d MiB", $2/1024}' "/proc/$pid/status" 2>/dev/null || echo '?')"
    if port_open "$host" "$port"; then
      printf '%-10s running  pid %-7s rss %-9s %s:%s answers\n' "$name" "$pid" "$rss" "$host" "$port"
      return 0
    fi
    printf '%-10s starting pid %-7s rss %-9s %s:%s not answering yet\n' "$name" "$pid" "$rss" "$host" "$port"
    return 1
  fi
  if port_open "$host" "$port"; then
    printf '%-10s FOREIGN  %s:%s answers but no live pid file in %s (not started by these scripts)\n' "$name" "$host" "$port" "$RUN_DIR"
  else
    printf '%-10s stopped\n' "$name"
  fi
  return 1
}

# mvn wrapper: batch mode, quiet, uses ~/.m2 as its natural cache (M2_REPO=<dir> overrides it).
MVN_DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
run_mvn() {
  need_cmd maven mvn "install Maven 3.8+ (apt-get install maven)"
  mvn -B -q -Dstyle.color=never ${M2_REPO:+"-Dmaven.repo.local=$M2_REPO"} "$@"
}

need_java17() {
  need_cmd java java "install a Java 17+ JDK (apt-get install openjdk-17-jre-headless)"
  local v
  v="$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
  [[ "${v%%.*}" -ge 17 ]] 2>/dev/null || die java - "Java 17+ required, found '${v:-unknown}'"
}
