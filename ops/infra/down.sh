#!/usr/bin/env bash
# Stop the processes started by ops/infra/*.sh (and only those: by the pid files in .infra/run/),
# in order: Prometheus, Alertmanager, radosgw, OSD, mon, then the schema registry and Kafka. Caches, Kafka data and
# .infra/env are kept; the Ceph cluster is RAM-backed and is rebuilt by the next up.sh --with-s3.
#   ops/infra/down.sh
set -euo pipefail
# shellcheck source=ops/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rc=0
bash "$INFRA_SCRIPTS_DIR/prometheus.sh" stop || rc=1
bash "$INFRA_SCRIPTS_DIR/alertmanager.sh" stop || rc=1
bash "$INFRA_SCRIPTS_DIR/s3.sh" stop || rc=1
bash "$INFRA_SCRIPTS_DIR/registry.sh" stop || rc=1
bash "$INFRA_SCRIPTS_DIR/kafka.sh" stop || rc=1
bash "$INFRA_SCRIPTS_DIR/pg-tls.sh" stop || rc=1
bash "$INFRA_SCRIPTS_DIR/redis-tls.sh" stop || rc=1
exit "$rc"
