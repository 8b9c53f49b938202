#!/usr/bin/env bash
# A throw-away certificate authority and a server certificate for the loopback TLS listeners the
# hardening tests use (Kafka SASL_SSL, Redis TLS, PostgreSQL ssl=on, the gateway's HTTPS).
#   ops/infra/tls.sh make     (idempotent: keeps an existing, still valid set)
#   ops/infra/tls.sh path     (prints the folder)
# Output, all in .infra/tls/ (ignored by git; regenerated on a fresh clone):
#   ca.pem ca.key           the test CA (10 days)
#   server.pem server.key   for CN=localhost, SAN DNS:localhost, IP:127.0.0.1 (signed by the CA)
#   server-chain.pem        server.pem followed by ca.pem
#   server-pkcs8.key        the server key in PKCS#8 (Kafka's PEM keystore wants it)
# Never used outside this machine: the CA key sits next to the certificates on purpose.
set -euo pipefail
# shellcheck source=ops/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TLS_DIR="$INFRA_DIR/tls"

valid() {
  [[ -s "$TLS_DIR/ca.pem" && -s "$TLS_DIR/server.pem" && -s "$TLS_DIR/server-pkcs8.key" ]] || return 1
  # Still valid in 24 h, and issued by the CA next to it.
  openssl x509 -checkend 86400 -noout -in "$TLS_DIR/server.pem" >/dev/null 2>&1 || return 1
  openssl verify -CAfile "$TLS_DIR/ca.pem" "$TLS_DIR/server.pem" >/dev/null 2>&1
}

make_set() {
  need_cmd tls openssl "apt-get install openssl"
  if valid; then
    log "tls: reusing the test CA and server certificate in $TLS_DIR"
    return 0
  fi
  local tmp="$TLS_DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  (
    cd "$tmp"
    openssl req -x509 -newkey rsa:2048 -nodes -days 10 -sha256 -subj "/CN=StateSet local test CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout ca.key -out ca.pem
    openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" -keyout server.key -out server.csr
    printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
      "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth,clientAuth" >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 9 -sha256 -extfile server.ext -out server.pem
    openssl pkcs8 -topk8 -nocrypt -in server.key -out server-pkcs8.key
    cat server.pem ca.pem >server-chain.pem
    rm -f server.csr server.ext ca.srl
    # PostgreSQL refuses a key readable by others; the servers run as other users, so the folder is readable.
    chmod 0644 ./*.pem
    chmod 0600 ca.key server.key server-pkcs8.key
  ) >"$tmp.log" 2>&1 || die tls "$tmp.log" "openssl could not make the test certificates"
  rm -rf "$TLS_DIR" "$tmp.log"
  mv "$tmp" "$TLS_DIR"
  log "tls: test CA and server certificate (localhost, 127.0.0.1) written to $TLS_DIR"
}

case "${1:-}" in
  make) make_set ;;
  path) printf '%s\n' "$TLS_DIR" ;;
  *) echo "usage: $0 make|path" >&2; exit 2 ;;
esac
