# shellcheck shell=bash
# Google Cloud Storage emulator: github.com/fsouza/fake-gcs-server, installed
# from the Go module proxy, plain HTTP on 127.0.0.1, in-memory backend.
# The official @google-cloud/storage client needs only
# `apiEndpoint: PEERS_GCS_URL` (plus any projectId); -public-host and
# -external-url make the URLs the emulator hands back (resumable upload
# Location, selfLink, mediaLink) point at itself rather than at Google.

GCS_DIR=$PEERS_DIR/gcs

build_fake_gcs() {
  local tmp=$1 logf=$2 mod="github.com/fsouza/fake-gcs-server@$PEERS_PIN_FAKE_GCS"
  go_build_env
  log "go install $mod"
  # The module has no replace directives, so a plain `go install @version` works.
  if ! with_go_lock env GOBIN="$tmp" go install -ldflags="-s -w" "$mod" >>"$logf" 2>&1; then
    fail "obtain" "gcs: go install $mod failed" "$logf"
  fi
  [[ -x $tmp/fake-gcs-server ]] || fail "obtain" "gcs: go install produced no fake-gcs-server binary" "$logf"
}

gcs_obtain() {
  have go || fail "obtain" "gcs: 'go' is not on PATH"
  GCS_CACHE_DIR=$(cache_ensure "fake-gcs-server-$PEERS_PIN_FAKE_GCS" build_fake_gcs) ||
    fail "obtain" "gcs: could not build fake-gcs-server" "$PEERS_LOGS/build-fake-gcs-server-$PEERS_PIN_FAKE_GCS.log"
}

gcs_ping() {
  curl -sS --max-time 3 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/storage/v1/b" 2>/dev/null | grep -qx 200
}

gcs_healthy() {
  [[ -f $GCS_DIR/port ]] && pidfile_alive "$GCS_DIR/pid" >/dev/null && gcs_ping "$(<"$GCS_DIR/port")"
}

gcs_up() {
  mkdir -p "$GCS_DIR" "$PEERS_LOGS"
  if gcs_healthy; then
    log "already running (pid $(pidfile_alive "$GCS_DIR/pid"))"
    return 0
  fi
  gcs_down
  local t0
  t0=$(now)
  gcs_obtain
  record_timing obtain "$t0"
  t0=$(now)
  gcs_start
  record_timing start "$t0"
}

gcs_start() {
  local port logf=$PEERS_LOGS/fake-gcs-server.log
  mkdir -p "$GCS_DIR"
  : >"$logf"
  port=$(claim_port) || fail "start" "gcs: no free port"
  spawn "$GCS_DIR/pid" "$logf" "$GCS_CACHE_DIR/fake-gcs-server" \
    -scheme http -host 127.0.0.1 -port "$port" -backend memory \
    -public-host "127.0.0.1:$port" -external-url "http://127.0.0.1:$port" \
    -log-level warn
  echo "$port" >"$GCS_DIR/port"
  {
    env_line PEERS_GCS_URL "http://127.0.0.1:$port"
    env_line PEERS_GCS_VERSION "$PEERS_PIN_FAKE_GCS"
  } >"$GCS_DIR/env"
  wait_until 30 "$GCS_DIR/pid" "fake-gcs-server" gcs_ping "$port" ||
    fail "health check" "fake-gcs-server did not answer GET /storage/v1/b on 127.0.0.1:$port" "$logf"
  log "ready at http://127.0.0.1:$port (fake-gcs-server $PEERS_PIN_FAKE_GCS)"
}

gcs_down() {
  stop_pidfile "$GCS_DIR/pid" TERM 10
  rm -rf "$GCS_DIR"
}

gcs_status() {
  status_line gcs "$GCS_DIR/pid" "$(cat "$GCS_DIR/port" 2>/dev/null || echo -)"
}
