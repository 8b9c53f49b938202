#!/usr/bin/env bash
# Entry point of the compose broker: formats the storage once with a SCRAM-SHA-512 user per role (the
# passwords come from the environment, made by ops/compose/make-secrets.sh), then runs the broker.
set -euo pipefail
conf=/tmp/server.properties
cp /etc/stateset-kafka/server.properties "$conf"
printf 'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="%s";\n' \
  "$KAFKA_ADMIN_PASSWORD" >>"$conf"
scram=()
add() { scram+=(--add-scram "SCRAM-SHA-512=[name=$1,password=$2]"); }
add admin "$KAFKA_ADMIN_PASSWORD"
add schema-registry "$KAFKA_SCHEMA_REGISTRY_PASSWORD"
add gateway "$KAFKA_GATEWAY_PASSWORD"
for d in orders inventory returns shipments warranties; do
  var="KAFKA_WORKER_${d^^}_PASSWORD"
  add "worker-$d" "${!var}"
done
add audit-sink "$KAFKA_AUDIT_SINK_PASSWORD"
add consumer "$KAFKA_CONSUMER_PASSWORD"
add webhooks "$KAFKA_WEBHOOKS_PASSWORD"
if [[ ! -f /var/lib/kafka/data/meta.properties ]]; then
  /opt/kafka/bin/kafka-storage.sh format --config "$conf" --cluster-id "${KAFKA_CLUSTER_ID:-$(/opt/kafka/bin/kafka-storage.sh random-uuid)}" "${scram[@]}"
fi
exec /opt/kafka/bin/kafka-server-start.sh "$conf"
