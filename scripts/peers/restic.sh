# shellcheck shell=bash
# restic: Debian's package, installed with apt-get when missing (needs root,
# as CI and the dev machines are). A tool, not a server: `env` gives its path.

RESTIC_DIR=$PEERS_DIR/restic

restic_obtain() {
  have restic && return 0
  ((EUID == 0)) || fail "obtain" "restic is not installed and installing it needs root (apt-get install restic)"
  local logf=$PEERS_LOGS/build-restic.log
  mkdir -p "$PEERS_LOGS"
  log "apt-get install restic (log: $logf)"
  # The package lists may be stale or empty on a fresh machine: update once
  # and retry only if the first install attempt fails.
  {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q restic ||
      { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q restic; }
  } </dev/null >>"$logf" 2>&1 || fail "obtain" "restic: apt-get install restic failed" "$logf"
  have restic || fail "obtain" "restic: installed but not on PATH" "$logf"
}

restic_up() {
  mkdir -p "$RESTIC_DIR"
  # apt's own lock serializes concurrent installs; ours keeps parallel `up`s polite.
  local t0 bin version
  t0=$(now)
  with_apt_lock restic_obtain
  record_timing obtain "$t0"
  bin=$(command -v restic)
  version=$(restic version 2>/dev/null | awk '{print $2}')
  [[ -n $version ]] || fail "check" "restic version does not run"
  {
    env_line PEERS_RESTIC_BIN "$bin"
    env_line PEERS_RESTIC_VERSION "$version"
  } >"$RESTIC_DIR/env"
  log "restic $version at $bin"
}

with_apt_lock() {
  mkdir -p "$PEERS_CACHE"
  (
    flock 9
    "$@"
  ) 9>"$PEERS_CACHE/.lock-apt"
}

restic_down() { rm -rf "$RESTIC_DIR"; }

restic_status() {
  if [[ -f $RESTIC_DIR/env ]]; then
    printf '%-16s ready    (tool) restic %s\n' restic "$(sed -n 's/^PEERS_RESTIC_VERSION=//p' "$RESTIC_DIR/env")"
  else
    printf '%-16s absent   (tool)\n' restic
  fi
}
