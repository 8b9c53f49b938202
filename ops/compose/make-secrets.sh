#!/usr/bin/env bash
# Everything docker-compose.yml needs and has no default for, made once per deployment:
#   bash ops/compose/make-secrets.sh [DIR]      (default .secrets/, ignored by git; refuses to overwrite)
#   docker compose --env-file .secrets/compose.env up -d
# DIR/compose.env   random passwords and keys (compose interpolates them; mode 0600)
# DIR/ca.pem        a private CA for the platform's TLS hops (its key ca.key stays in DIR: move it offline)
# DIR/server.pem, server.key, kafka-keystore.pem   one certificate for postgres, redis, kafka (SANs = service names)
# DIR/gateway.pem, gateway.key                      the gateway's HTTPS certificate (replace with a public one)
# DIR/audit-signing.pem                             the audit sink's Ed25519 checkpoint key (outside the audit volume)
# DIR/metrics-token                                 the bearer token Prometheus presents to /metrics
set -euo pipefail
DIR="${1:-.secrets}"
if [[ -e "$DIR/compose.env" ]]; then
  echo "$DIR/compose.env exists: refusing to replace a deployment's secrets (remove the folder to start over)" >&2
  exit 1
fi
command -v openssl >/dev/null || { echo "openssl is required" >&2; exit 1; }
mkdir -p "$DIR"
chmod 700 "$DIR"
cd "$DIR"
umask 077
rand() { openssl rand -hex 24; }

openssl req -x509 -newkey rsa:3072 -nodes -days 825 -sha256 -subj "/CN=StateSet deployment CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout ca.key -out ca.pem 2>/dev/null
issue() { # issue <name> <SANs>
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$1" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' "$2" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 397 -sha256 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
issue server "DNS:postgres,DNS:redis,DNS:kafka,DNS:localhost"
issue gateway "DNS:gateway,DNS:localhost"
rm -f ca.srl
# Kafka's PEM keystore: the PKCS#8 key followed by the certificate chain.
{ openssl pkcs8 -topk8 -nocrypt -in server.key; cat server.pem ca.pem; } >kafka-keystore.pem
openssl genpkey -algorithm ed25519 -out audit-signing.pem
rand >metrics-token

{
  echo "# Made by ops/compose/make-secrets.sh $(date -Is). Use: docker compose --env-file $DIR/compose.env up -d"
  echo "STATESET_SECRETS_DIR=$(pwd)"
  for v in POSTGRES_PASSWORD REDIS_PASSWORD GRAFANA_ADMIN_PASSWORD MINIO_ROOT_PASSWORD API_KEY_PEPPER JWT_SIGNING_SEED COMMAND_SIGNING_KEY WEBHOOK_SECRET_KEY \
    KAFKA_ADMIN_PASSWORD KAFKA_SCHEMA_REGISTRY_PASSWORD KAFKA_GATEWAY_PASSWORD KAFKA_WORKER_ORDERS_PASSWORD KAFKA_WORKER_INVENTORY_PASSWORD \
    KAFKA_WORKER_RETURNS_PASSWORD KAFKA_WORKER_SHIPMENTS_PASSWORD KAFKA_WORKER_WARRANTIES_PASSWORD KAFKA_AUDIT_SINK_PASSWORD KAFKA_CONSUMER_PASSWORD KAFKA_WEBHOOKS_PASSWORD; do
    echo "$v=$(rand)"
  done
  echo "MINIO_ROOT_USER=stateset-audit"
} >compose.env
# Compose mounts secret files as they are, so each key is made readable by the one container user that
# needs it (official images: postgres and redis run as uid 999, node and apache/kafka as uid 1000), mode
# 0600; certificates and the metrics token are public enough to be world-readable.
chmod 0644 ca.pem server.pem gateway.pem metrics-token
chmod 0600 ca.key compose.env server.key gateway.key kafka-keystore.pem audit-signing.pem
if [[ "$(id -u)" == 0 ]]; then
  chown 999:999 server.key
  chown 1000:1000 gateway.key kafka-keystore.pem audit-signing.pem
else
  echo "not root: run  sudo chown 999:999 $DIR/server.key && sudo chown 1000:1000 $DIR/{gateway.key,kafka-keystore.pem,audit-signing.pem}" >&2
fi
echo "secrets written to $(pwd); start with: docker compose --env-file $(pwd)/compose.env up -d" >&2
