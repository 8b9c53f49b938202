#!/usr/bin/env bash
# Schema registry: Apicurio Registry 3.0.x (Quarkus app from Maven Central), in-memory H2 storage,
# Confluent-compatible API at http://127.0.0.1:8081/apis/ccompat/v7, global compatibility BACKWARD.
#   ops/infra/registry.sh start|stop|status
# Download: .infra/cache/apicurio-registry-app-<v>-all.tar.gz (also kept in ~/.m2), unpacked next to it.
# Log:      .infra/registry/registry.log
# Storage is in memory: every start begins with an empty registry.
set -euo pipefail
# shellcheck source=ops/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# 3.0.9 is the newest Apicurio 3.x on Maven Central that runs on Java 17: 3.3.x is compiled for
# Java 21 (class file 65), which Debian bookworm does not package.
APICURIO_VERSION="${APICURIO_VERSION:-3.0.9}"
REGISTRY_HOST=127.0.0.1
REGISTRY_PORT="${REGISTRY_PORT:-8081}"
REGISTRY_HEAP="${REGISTRY_HEAP:--Xms128m -Xmx512m}"
REGISTRY_READY_TIMEOUT="${REGISTRY_READY_TIMEOUT:-120}"
MAVEN_CENTRAL="${MAVEN_CENTRAL_URL:-https://repo.maven.apache.org/maven2}"

TARBALL_NAME="apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
TARBALL="$CACHE_DIR/$TARBALL_NAME"
APP_HOME="$CACHE_DIR/apicurio-registry-$APICURIO_VERSION"
M2_DIR="${M2_REPO:-$HOME/.m2/repository}/io/apicurio/apicurio-registry-app/$APICURIO_VERSION"
REG_DIR="$INFRA_DIR/registry"
REG_LOG="$REG_DIR/registry.log"
CCOMPAT_URL="http://$REGISTRY_HOST:$REGISTRY_PORT/apis/ccompat/v7"

# Why not `mvn dependency:get`: the 3.0.9 app pom names a parent pom (io.apicurio:apicurio-registry:3.0.9)
# that was never published to Central, so Maven refuses to resolve it. The tarball itself is there:
# fetch it from Central with curl, check its published SHA-1, and store it in ~/.m2 too, where a
# second clone on this machine (or Maven) finds it.
fetch_tarball() {
  [[ -s "$TARBALL" ]] && return 0
  mkdir -p "$REG_DIR"
  if [[ -s "$M2_DIR/$TARBALL_NAME" ]]; then
    log "registry: using $M2_DIR/$TARBALL_NAME"
    cp "$M2_DIR/$TARBALL_NAME" "$TARBALL.tmp" && mv "$TARBALL.tmp" "$TARBALL"
    return 0
  fi
  need_cmd registry curl
  local url="$MAVEN_CENTRAL/io/apicurio/apicurio-registry-app/$APICURIO_VERSION/$TARBALL_NAME" sha got
  log "registry: downloading $url (~110 MB)"
  curl -fsSL --retry 3 -m 600 -o "$TARBALL.tmp" "$url" 2>>"$REG_LOG" ||
    die registry "$REG_LOG" "download of $url failed"
  sha="$(curl -fsSL --retry 3 -m 60 "$url.sha1" 2>>"$REG_LOG" | awk '{print $1}')" ||
    die registry "$REG_LOG" "download of $url.sha1 failed"
  got="$(sha1sum "$TARBALL.tmp" | awk '{print $1}')"
  [[ "$sha" == "$got" ]] || { rm -f "$TARBALL.tmp"; die registry "$REG_LOG" "SHA-1 mismatch for $TARBALL_NAME (expected $sha, got $got)"; }
  mv "$TARBALL.tmp" "$TARBALL"
  if mkdir -p "$M2_DIR" 2>/dev/null && cp "$TARBALL" "$M2_DIR/$TARBALL_NAME.tmp" 2>/dev/null; then
    mv "$M2_DIR/$TARBALL_NAME.tmp" "$M2_DIR/$TARBALL_NAME"
    printf '%s\n' "$sha" >"$M2_DIR/$TARBALL_NAME.sha1"
  fi
}

unpack() {
  [[ -f "$APP_HOME/.complete" ]] && return 0
  fetch_tarball
  log "registry: unpacking $TARBALL_NAME"
  rm -rf "$APP_HOME.tmp"
  mkdir -p "$APP_HOME.tmp"
  tar -xzf "$TARBALL" -C "$APP_HOME.tmp" || { rm -rf "$APP_HOME.tmp"; die registry - "cannot unpack $TARBALL (delete it to re-download)"; }
  touch "$APP_HOME.tmp/.complete"
  rm -rf "$APP_HOME"
  mv "$APP_HOME.tmp" "$APP_HOME"
}

runner_jar() {
  # 3.0.x ships a legacy-jar (<name>-runner.jar + lib/), 3.1+ a fast-jar (quarkus-run.jar).
  if [[ -f "$APP_HOME/quarkus-run.jar" ]]; then
    echo "$APP_HOME/quarkus-run.jar"
  else
    find "$APP_HOME" -maxdepth 1 -name '*-runner.jar' | head -n 1
  fi
}

is_ready() {
  [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$CCOMPAT_URL/subjects")" == 200 ]]
}

start() {
  need_cmd registry curl
  if pid_of registry >/dev/null; then
    if is_ready; then
      log "registry: already running (pid $(pid_of registry)), reusing $CCOMPAT_URL"
      return 0
    fi
    log "registry: process alive but not ready yet, waiting"
    wait_until registry "$REG_LOG" "$REGISTRY_READY_TIMEOUT" registry is_ready
    return 0
  fi
  if port_open "$REGISTRY_HOST" "$REGISTRY_PORT"; then
    die registry - "port $REGISTRY_PORT is already in use by a process these scripts did not start (no live $(pid_file registry)); stop it first"
  fi
  need_java17
  mkdir -p "$REG_DIR"
  unpack
  local jar
  jar="$(runner_jar)"
  [[ -n "$jar" ]] || die registry - "no runner jar in $APP_HOME (delete it to unpack again)"
  [[ -f "$REG_LOG" ]] && mv -f "$REG_LOG" "$REG_LOG.1"
  : >"$REG_LOG"
  # shellcheck disable=SC2086
  (cd "$REG_DIR" && start_bg registry "$REG_LOG" "$jar" \
    java $REGISTRY_HEAP -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dquarkus.http.host="$REGISTRY_HOST" -Dquarkus.http.port="$REGISTRY_PORT" \
    -Dquarkus.log.level=INFO \
    -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2 \
    -Dapicurio.datasource.url=jdbc:h2:mem:registry \
    -Dapicurio.rules.global.compatibility=BACKWARD \
    -Dapicurio.storage.snapshot.location="$REG_DIR" \
    -Djava.io.tmpdir="$REG_DIR" \
    -jar "$jar")
  wait_until registry "$REG_LOG" "$REGISTRY_READY_TIMEOUT" registry is_ready
}

stop() { stop_pid registry 20; }

status() { status_line registry "$REGISTRY_HOST" "$REGISTRY_PORT"; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
