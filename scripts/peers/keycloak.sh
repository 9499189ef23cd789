# shellcheck shell=bash
# Keycloak: the official server distribution (org.keycloak:keycloak-quarkus-dist
# zip from Maven Central, fetched with Maven), run in dev mode (`start-dev`:
# H2 file database, local caches, no clustering traffic) on 127.0.0.1.

KC_DIR=$PEERS_DIR/keycloak
KC_ADMIN_USER="admin"
KC_HEAP="-Xms64m -Xmx640m" # kc.sh's own default is up to 512m; a little headroom
# C1 JIT only: measured here, Keycloak became ready in ~22-36 s instead of
# ~46-60 s on a busy 2-core machine; tests are short, so peak speed matters less.
KC_JAVA_APPEND="-XX:TieredStopAtLevel=1"
KC_MAVEN_DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
# Build-time options: start-dev re-augments (~30 s) whenever these differ from
# the ones the cached distribution was augmented with, so both places use this.
KC_BUILD_OPTS=(--health-enabled=true)

# kc_java_home: newest JDK here that Keycloak 26 supports (17, 21, 25).
kc_java_home() {
  local d
  for d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 \
    /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64 \
    /usr/lib/jvm/java-17-openjdk-amd64; do
    if [[ -x $d/bin/java ]] && "$d/bin/java" -version >/dev/null 2>&1; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

# kc_launch PIDFILE LOG DIST HTTP_PORT MGMT_PORT PASSWORD: start-dev, detached.
kc_launch() {
  local pidfile=$1 logf=$2 dist=$3 http=$4 mgmt=$5 pw=$6
  spawn "$pidfile" "$logf" env JAVA_HOME="$KC_JAVA_HOME" JAVA_OPTS_KC_HEAP="$KC_HEAP" JAVA_OPTS_APPEND="$KC_JAVA_APPEND" \
    KC_BOOTSTRAP_ADMIN_USERNAME="$KC_ADMIN_USER" KC_BOOTSTRAP_ADMIN_PASSWORD="$pw" \
    "$dist/bin/kc.sh" start-dev "${KC_BUILD_OPTS[@]}" \
    --http-host 127.0.0.1 --http-port "$http" \
    --http-management-host 127.0.0.1 --http-management-port "$mgmt"
}

kc_ready() { curl -sf --max-time 3 -o /dev/null "http://127.0.0.1:$1/health/ready"; }

# build_keycloak TMP LOG: download, unpack, then boot it once so Quarkus'
# augmentation (the slow half of the first start) is done here, once, and
# every later `up` starts from an already-augmented copy.
build_keycloak() {
  local tmp=$1 logf=$2 v=$PEERS_PIN_KEYCLOAK
  have mvn || fail "obtain" "keycloak: 'mvn' is not on PATH"
  log "downloading org.keycloak:keycloak-quarkus-dist:$v:zip from Maven Central"
  if ! mvn -B -q --no-transfer-progress "$KC_MAVEN_DEP_PLUGIN:copy" \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:$v:zip" \
    -DoutputDirectory="$tmp/dl" </dev/null >>"$logf" 2>&1; then
    fail "obtain" "keycloak: download from Maven Central failed (mvn dependency:copy)" "$logf"
  fi
  unzip_to "$tmp/dl/keycloak-quarkus-dist-$v.zip" "$tmp" >>"$logf" 2>&1 ||
    fail "obtain" "keycloak: could not unzip the distribution" "$logf"
  [[ -x $tmp/keycloak-$v/bin/kc.sh ]] ||
    fail "obtain" "keycloak: unexpected layout of the distribution zip (no keycloak-$v/bin/kc.sh)" "$logf"
  mv "$tmp/keycloak-$v" "$tmp/dist"
  rm -rf "$tmp/dl"

  log "first boot to pre-augment the cached distribution (Java: $KC_JAVA_HOME)"
  local http mgmt
  http=$(claim_port) || fail "obtain" "keycloak: no free port"
  mgmt=$(claim_port) || fail "obtain" "keycloak: no free port"
  kc_launch "$tmp/warmup.pid" "$logf" "$tmp/dist" "$http" "$mgmt" "$(random_secret)"
  if ! wait_until 300 "$tmp/warmup.pid" "keycloak warm-up boot" kc_ready "$mgmt"; then
    stop_pidfile "$tmp/warmup.pid" TERM 20
    fail "obtain" "keycloak: warm-up boot of the distribution failed" "$logf"
  fi
  stop_pidfile "$tmp/warmup.pid" TERM 30
  rm -rf "$tmp/dist/data" # the H2 database and admin user of the warm-up
}

kc_obtain() {
  KC_JAVA_HOME=$(kc_java_home) || fail "obtain" "keycloak: no JDK 17, 21 or 25 under /usr/lib/jvm"
  KC_CACHE_DIR=$(cache_ensure "keycloak-$PEERS_PIN_KEYCLOAK" build_keycloak) ||
    fail "obtain" "keycloak: could not obtain the distribution" "$PEERS_LOGS/build-keycloak-$PEERS_PIN_KEYCLOAK.log"
}

# kc_admin_token: the real health check: the bootstrap admin can log in.
kc_admin_token() {
  local PEERS_KEYCLOAK_URL PEERS_KEYCLOAK_ADMIN_USER PEERS_KEYCLOAK_ADMIN_PASSWORD
  # shellcheck disable=SC1091
  source "$KC_DIR/env"
  curl -sS --max-time 10 \
    --data-urlencode grant_type=password --data-urlencode client_id=admin-cli \
    --data-urlencode "username=$PEERS_KEYCLOAK_ADMIN_USER" \
    --data-urlencode "password=$PEERS_KEYCLOAK_ADMIN_PASSWORD" \
    "$PEERS_KEYCLOAK_URL/realms/master/protocol/openid-connect/token" 2>/dev/null |
    grep -q '"access_token"'
}

keycloak_healthy() {
  [[ -f $KC_DIR/env ]] && pidfile_alive "$KC_DIR/pid" >/dev/null && kc_admin_token
}

keycloak_up() {
  mkdir -p "$KC_DIR" "$PEERS_LOGS"
  if keycloak_healthy; then
    log "already running (pid $(pidfile_alive "$KC_DIR/pid"))"
    return 0
  fi
  keycloak_down
  local t0
  t0=$(now)
  kc_obtain
  record_timing obtain "$t0"
  t0=$(now)
  kc_start
  record_timing start "$t0"
}

kc_start() {
  local http mgmt pw logf=$PEERS_LOGS/keycloak.log
  mkdir -p "$KC_DIR"
  : >"$logf"
  # Keycloak writes its H2 database, tmp files and (if options changed) a new
  # augmentation under its home dir, so each runtime gets its own copy.
  cp -a "$KC_CACHE_DIR/dist" "$KC_DIR/dist" || fail "start" "keycloak: could not copy the distribution into $KC_DIR"
  http=$(claim_port) || fail "start" "keycloak: no free port"
  mgmt=$(claim_port) || fail "start" "keycloak: no free port"
  pw=$(random_secret)
  kc_launch "$KC_DIR/pid" "$logf" "$KC_DIR/dist" "$http" "$mgmt" "$pw"
  echo "$http" >"$KC_DIR/port"
  {
    env_line PEERS_KEYCLOAK_URL "http://127.0.0.1:$http"
    env_line PEERS_KEYCLOAK_MANAGEMENT_URL "http://127.0.0.1:$mgmt"
    env_line PEERS_KEYCLOAK_ADMIN_USER "$KC_ADMIN_USER"
    env_line PEERS_KEYCLOAK_ADMIN_PASSWORD "$pw"
    env_line PEERS_KEYCLOAK_VERSION "$PEERS_PIN_KEYCLOAK"
  } >"$KC_DIR/env"
  wait_until 300 "$KC_DIR/pid" "keycloak /health/ready" kc_ready "$mgmt" ||
    fail "start" "keycloak did not become ready on 127.0.0.1:$http" "$logf"
  wait_until 30 "$KC_DIR/pid" "keycloak admin token" kc_admin_token ||
    fail "health check" "keycloak: no admin token from the master realm" "$logf"
  log "ready at http://127.0.0.1:$http (Keycloak $PEERS_PIN_KEYCLOAK on $(basename "$KC_JAVA_HOME"))"
}

keycloak_down() {
  stop_pidfile "$KC_DIR/pid" TERM 30
  rm -rf "$KC_DIR"
}

keycloak_status() {
  status_line keycloak "$KC_DIR/pid" "$(cat "$KC_DIR/port" 2>/dev/null || echo -)"
}
