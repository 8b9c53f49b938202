#!/usr/bin/env bash
# Checks the alerting configuration (run from the repository root; `npm test` runs it last):
#   1. promtool check config   ops/prometheus/prometheus.yml and prometheus.docker.yml (with their rule files)
#   2. promtool check rules    ops/prometheus/rules/*.yml
#   3. promtool test rules     ops/prometheus/tests/*.test.yml
#   4. every alert has a test that expects it to fire and one that expects silence
#   5. amtool check-config     ops/alertmanager/alertmanager.yml
#   6. amtool route tests      each alert's labels reach the receivers in ROUTES below
#   7. Grafana dashboards      ops/grafana/dashboards/*.json parse and every panel query is valid PromQL
# promtool and amtool are required: a missing one fails the run (Debian packages `prometheus` and
# `prometheus-alertmanager`; ops/infra/promtool.sh installs them).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

PROM=ops/prometheus
AM_CONFIG=ops/alertmanager/alertmanager.yml

# Alert name -> "team severity expected-receivers". The spec of the routing: a new alert must be
# added here, with the labels it has in its rule file.
ROUTES=(
  "AuthFailureSpike           security warning  security"
  "AuthBruteForceFromSource   security critical security,security-pager"
  "RevokedOrExpiredKeyInUse   security warning  security"
  "RateLimitSurge             security warning  security"
  "AuditSinkStalled           security critical security,security-pager"
  "AuditSealOverdue           security warning  security"
  "AuditOffsetMismatch        security critical security,security-pager"
  "AuditVerificationFailed    security critical security,security-pager"
  "ProcessDown                sre      critical sre"
  "GatewayErrorRatioHigh      sre      warning  sre"
  "DependencyUnavailable      sre      warning  sre"
  "RateLimiterUnavailable     sre      warning  sre"
  "WorkerCommandFailureRatioHigh sre   warning  sre"
  "DeadLetterMessages         sre      warning  sre"
  "ConsumerLagHigh            sre      warning  sre"
  "ConsumerLagGrowing         sre      warning  sre"
  "OutboxBacklogOld           sre      critical sre"
  "WebhookEndpointDisabled    sre      warning  sre"
)

failures=()
fail() { failures+=("$1"); printf 'FAIL: %s\n' "$1" >&2; }
run() { # run <description> <command...>: prints the output only when the command fails
  local desc="$1"; shift
  local out
  if out="$("$@" 2>&1)"; then
    printf 'ok   %s\n' "$desc"
  else
    printf '%s\n' "$out" >&2
    fail "$desc"
  fi
}

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(promtool)
command -v amtool >/dev/null 2>&1 || missing+=(amtool)
if [ ${#missing[@]} -gt 0 ]; then
  printf 'FAIL: %s not installed (Debian packages prometheus and prometheus-alertmanager; see ops/infra/promtool.sh install)\n' "${missing[*]}" >&2
  exit 1
fi

shopt -s nullglob
rule_files=("$PROM"/rules/*.yml)
test_files=("$PROM"/tests/*.test.yml)
[ ${#rule_files[@]} -gt 0 ] || fail "no rule files in $PROM/rules"
[ ${#test_files[@]} -gt 0 ] || fail "no rule tests in $PROM/tests"

# 1-3. promtool
run "promtool check config $PROM/prometheus.yml" promtool check config "$PROM/prometheus.yml"
# The compose config names a container secret (/run/secrets/metrics_token), which promtool insists on
# opening: check a copy of the folder (its rules beside it) pointing at a stand-in token file.
docker_copy="$(mktemp -d)"
cp -r "$PROM/." "$docker_copy/"
echo stand-in-token >"$docker_copy/metrics_token"
sed -i "s#/run/secrets/metrics_token#$docker_copy/metrics_token#" "$docker_copy/prometheus.docker.yml"
run "promtool check config $PROM/prometheus.docker.yml" promtool check config "$docker_copy/prometheus.docker.yml"
rm -rf "$docker_copy"
[ ${#rule_files[@]} -gt 0 ] && run "promtool check rules ${rule_files[*]}" promtool check rules "${rule_files[@]}"
for t in "${test_files[@]}"; do
  run "promtool test rules $t" promtool test rules "$t"
done

# Alerts defined in the rule files, as "name team severity" (the rule files keep one label a line).
mapfile -t defined < <(awk '
  function flush() { if (name != "") print name, team, sev; name = ""; team = "-"; sev = "-" }
  /^[[:space:]]*- (alert|record):/ { flush() }
  /^[[:space:]]*- alert:/ { name = $3 }
  name != "" && /^[[:space:]]+team:/ { team = $2 }
  name != "" && /^[[:space:]]+severity:/ { sev = $2 }
  END { flush() }
' "${rule_files[@]}")
[ ${#defined[@]} -gt 0 ] || fail "no alert rules found in $PROM/rules"

# 4. every alert: a firing case and a silent case in the tests
for d in "${defined[@]}"; do
  read -r name _ _ <<<"$d"
  counts="$(awk -v n="$name" '
    $1 == "alertname:" && $2 == n { want = 1; next }
    want && $1 == "exp_alerts:" { if ($2 == "[]") silent++; else firing++; want = 0 }
    END { printf "%d %d", firing, silent }
  ' "${test_files[@]}")"
  read -r firing silent <<<"$counts"
  if [ "$firing" -lt 1 ] || [ "$silent" -lt 1 ]; then
    fail "alert $name needs a test that fires ($firing found) and one that stays silent ($silent found)"
  fi
done
printf 'ok   every alert has firing and silent test cases (%d alerts)\n' "${#defined[@]}"

# 5. Alertmanager config
run "amtool check-config $AM_CONFIG" amtool check-config "$AM_CONFIG"

# 6. Routes: ROUTES must match the rule files, and each alert's labels must reach its receivers.
declare -A labels_of=()
for d in "${defined[@]}"; do
  read -r name team sev <<<"$d"
  labels_of[$name]="$team $sev"
done
declare -A routed=()
for r in "${ROUTES[@]}"; do
  read -r name team sev receivers <<<"$r"
  routed[$name]=1
  if [ -z "${labels_of[$name]:-}" ]; then
    fail "ROUTES lists $name, which no rule file defines"
    continue
  fi
  if [ "${labels_of[$name]}" != "$team $sev" ]; then
    fail "$name has team/severity '${labels_of[$name]}' in its rule but '$team $sev' in ROUTES"
  fi
  run "route $name {team=$team,severity=$sev} -> $receivers" \
    amtool config routes test --config.file="$AM_CONFIG" --verify.receivers="$receivers" \
      alertname="$name" team="$team" severity="$sev" service=test
done
for name in "${!labels_of[@]}"; do
  [ -n "${routed[$name]:-}" ] || fail "alert $name has no row in ROUTES of $0"
done
# Anything without team=security goes to sre, whatever its severity.
run "route unlabelled alert -> sre" \
  amtool config routes test --config.file="$AM_CONFIG" --verify.receivers=sre alertname=Watchdog severity=critical

# 7. Grafana: JSON parses; the panel queries (Grafana variables replaced) pass promtool as rules.
dash_files=(ops/grafana/dashboards/*.json)
[ ${#dash_files[@]} -gt 0 ] || fail "no dashboards in ops/grafana/dashboards"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for f in "${dash_files[@]}"; do
  if ! command -v node >/dev/null 2>&1; then fail "node not installed: cannot check $f"; break; fi
  if node -e '
    const fs = require("fs");
    const d = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const all = (ps) => ps.flatMap((p) => [p, ...all(p.panels || [])]);
    const rules = all(d.panels || []).flatMap((p) => (p.targets || []).map((t) => t.expr)).filter(Boolean)
      .map((expr, i) => ({ record: "dashboard:query_" + i,
        expr: expr.replace(/\$__rate_interval|\$__interval|\$__range/g, "5m").replace(/\$\{?\w+\}?/g, ".+") }));
    if (rules.length === 0) throw new Error("no queries");
    fs.writeFileSync(process.argv[2], JSON.stringify({ groups: [{ name: "dashboard", rules }] }));
  ' "$f" "$tmp/queries.yml" 2>"$tmp/err"; then
    run "dashboard $f: JSON and PromQL" promtool check rules "$tmp/queries.yml"
  else
    cat "$tmp/err" >&2
    fail "dashboard $f is not valid JSON with panel queries"
  fi
done

if [ ${#failures[@]} -gt 0 ]; then
  printf '\n%d check(s) failed:\n' "${#failures[@]}" >&2
  printf '  - %s\n' "${failures[@]}" >&2
  exit 1
fi
printf '\nPrometheus config and rules, rule tests, Alertmanager routes and Grafana dashboards: all checks passed\n'
