#!/usr/bin/env bash
# Start the local infrastructure (idempotent: reuses whatever these scripts already run) and write
# .infra/env with the `export` lines the tests and services read.
#   ops/infra/up.sh [--with-s3] [--with-promtool] [--with-chromium] [--with-monitoring]
#   source .infra/env
# Kafka (127.0.0.1:9092, SASL_SSL 127.0.0.1:9094) and the schema registry (127.0.0.1:8081) always; Ceph radosgw S3
# (127.0.0.1:7480) with --with-s3; promtool/amtool installed with --with-promtool; Debian's chromium (the /docs
# page test's browser) installed with --with-chromium; with --with-monitoring
# (`npm start`) also Alertmanager (127.0.0.1:9095) and Prometheus (127.0.0.1:9090) scraping the platform.
# PostgreSQL and Redis are expected to be running already (checked, not started); the TLS-only
# Redis (127.0.0.1:6380) and PostgreSQL (127.0.0.1:5433) of the hardening tests are started here.
set -euo pipefail
# shellcheck source=ops/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

with_s3=0
with_promtool=0
with_chromium=0
with_monitoring=0
for arg in "$@"; do
  case "$arg" in
    --with-s3) with_s3=1 ;;
    --with-promtool) with_promtool=1 ;;
    --with-chromium) with_chromium=1 ;;
    --with-monitoring) with_monitoring=1 ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--with-s3] [--with-promtool] [--with-chromium] [--with-monitoring]" >&2; exit 2 ;;
  esac
done

t0=$SECONDS
if ((with_promtool || with_monitoring)); then bash "$INFRA_SCRIPTS_DIR/promtool.sh" install; fi
if ((with_chromium)); then bash "$INFRA_SCRIPTS_DIR/chromium.sh" install; fi
# The test CA and loopback server certificate of the TLS listeners (made once, kept while valid).
bash "$INFRA_SCRIPTS_DIR/tls.sh" make
# The TLS-only Redis (6380) and PostgreSQL (5433) of the hardening tests: seconds each, beside the machine's own.
bash "$INFRA_SCRIPTS_DIR/redis-tls.sh" start
bash "$INFRA_SCRIPTS_DIR/pg-tls.sh" start

# The components are independent: start them side by side (2 cores: the JVM starts dominate),
# each one's messages buffered and printed when it is done.
components=(kafka registry)
if ((with_s3)); then components+=(s3); fi
declare -A job
for c in "${components[@]}"; do
  bash "$INFRA_SCRIPTS_DIR/$c.sh" start >"$RUN_DIR/$c.start.out" 2>&1 &
  job[$c]=$!
done
failed=()
for c in "${components[@]}"; do
  rc=0
  wait "${job[$c]}" || rc=$?
  cat "$RUN_DIR/$c.start.out" >&2
  rm -f "$RUN_DIR/$c.start.out"
  ((rc == 0)) || failed+=("$c")
done
if ((${#failed[@]})); then
  die "${failed[*]}" - "failed to start (messages above name the log files); services that did start keep running, stop them with ops/infra/down.sh"
fi

# Alertmanager first, so Prometheus's first alerts have somewhere to go. Seconds each.
if ((with_monitoring)); then
  bash "$INFRA_SCRIPTS_DIR/alertmanager.sh" start
  bash "$INFRA_SCRIPTS_DIR/prometheus.sh" start
fi

# PostgreSQL / Redis: provided by the machine, only checked.
port_open 127.0.0.1 5432 || warn "PostgreSQL is not answering on 127.0.0.1:5432 (DATABASE_URL will not work)"
port_open 127.0.0.1 6379 || warn "Redis is not answering on 127.0.0.1:6379 (REDIS_URL will not work)"

# S3 credentials: fixed, local-only test keys of the throw-away Ceph user created by s3.sh.
tmp="$ENV_FILE.tmp.$$"
{
  echo "# Written by ops/infra/up.sh $(date -Is). Use: source .infra/env"
  echo "export KAFKA_BROKERS=127.0.0.1:${KAFKA_PORT:-9092}"
  # The SASL_SSL listener and what a client needs for it (read by the Kafka security tests; names
  # no config variable, so processes keep using the PLAINTEXT listener above). The passwords stay
  # in the mode-600 users file, not in this file.
  echo "export KAFKA_SASL_SSL_BROKERS=127.0.0.1:${KAFKA_SASL_PORT:-9094}"
  echo "export KAFKA_TEST_CA_FILE=$INFRA_DIR/tls/ca.pem"
  echo "export KAFKA_USERS_FILE=$INFRA_DIR/kafka-users.env"
  echo "export SCHEMA_REGISTRY_URL=http://127.0.0.1:${REGISTRY_PORT:-8081}/apis/ccompat/v7"
  echo "export DATABASE_URL=postgres://postgres@127.0.0.1:5432/test"
  echo "export REDIS_URL=redis://127.0.0.1:6379"
  # The TLS listeners (test CA of tls.sh; per-machine random passwords, local test credentials only).
  echo "export TEST_TLS_CA_FILE=$INFRA_DIR/tls/ca.pem"
  echo "export TEST_REDIS_TLS_URL=rediss://:$(cat "$INFRA_DIR/redis-tls/password")@localhost:${REDIS_TLS_PORT:-6380}"
  echo "export TEST_DATABASE_TLS_URL='postgres://stateset:$(cat "$INFRA_DIR/pg-tls/password")@localhost:${PG_TLS_PORT:-5433}/stateset?sslmode=verify-full&sslrootcert=$INFRA_DIR/tls/ca.pem'"
  if ((with_s3)) || pid_of ceph-rgw >/dev/null; then
    echo "export S3_ENDPOINT=http://127.0.0.1:${S3_PORT:-7480}"
    echo "export S3_ACCESS_KEY_ID=${S3_ACCESS_KEY_ID_LOCAL:-LOCALTESTACCESSKEY01}"
    echo "export S3_SECRET_ACCESS_KEY=${S3_SECRET_ACCESS_KEY_LOCAL:-localTestSecretKey0000000000000000000000}"
    echo "export S3_REGION=us-east-1"
  fi
} >"$tmp"
mv "$tmp" "$ENV_FILE"

log "all up in $((SECONDS - t0)) s; env written to $ENV_FILE:"
# Passwords masked: the log is kept by CI; the file itself has them.
sed -E 's/^/    /; s#://([^:@/]*):[^@]+@#://\1:***@#' "$ENV_FILE" >&2
