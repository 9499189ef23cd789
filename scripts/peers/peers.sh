#!/usr/bin/env bash
# Local peer servers for integration tests: obtain (and cache), start on
# 127.0.0.1, health-check, describe and stop them. See docs/peers.md.
#
#   peers.sh up     [server...]   obtain + start (all when none named)
#   peers.sh down   [server...]   stop by pid file and delete runtime data
#   peers.sh status [server...]   one line per process: state, pid, port, RSS
#   peers.sh env    [--export]    print $PEERS_DIR/env (KEY=value lines)
#
# Servers: postgres keycloak kube helm gcs restic redis terraform (helm, restic and terraform are tools:
# `up` only makes sure their binaries exist).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/peers/lib.sh
source "$here/lib.sh"
# shellcheck source=scripts/peers/versions.sh
source "$here/versions.sh"
# shellcheck source=scripts/peers/postgres.sh
source "$here/postgres.sh"
# shellcheck source=scripts/peers/keycloak.sh
source "$here/keycloak.sh"
# shellcheck source=scripts/peers/kube.sh
source "$here/kube.sh"
# shellcheck source=scripts/peers/helm.sh
source "$here/helm.sh"
# shellcheck source=scripts/peers/gcs.sh
source "$here/gcs.sh"
# shellcheck source=scripts/peers/restic.sh
source "$here/restic.sh"
# shellcheck source=scripts/peers/redis.sh
source "$here/redis.sh"
# shellcheck source=scripts/peers/terraform.sh
source "$here/terraform.sh"

ALL_SERVERS=(postgres keycloak kube helm gcs restic redis terraform)

usage() {
  sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

canon_name() {
  case $1 in
    postgres | postgresql | pg) echo postgres ;;
    keycloak | kc) echo keycloak ;;
    kube | k8s | kubernetes | kube-apiserver | etcd) echo kube ;;
    helm | kubectl) echo helm ;;
    gcs | fake-gcs | fake-gcs-server) echo gcs ;;
    restic) echo restic ;;
    redis | redis-server) echo redis ;;
    terraform | tf) echo terraform ;;
    *) return 1 ;;
  esac
}

# select_servers NAME...: sets SELECTED to the canonical names, in the fixed
# order of ALL_SERVERS, without duplicates.
select_servers() {
  local want=() n c s
  if (($# == 0)); then
    SELECTED=("${ALL_SERVERS[@]}")
    return
  fi
  for n in "$@"; do
    c=$(canon_name "$n") || {
      echo "peers: unknown server '$n' (known: ${ALL_SERVERS[*]})" >&2
      exit 2
    }
    want+=("$c")
  done
  SELECTED=()
  for s in "${ALL_SERVERS[@]}"; do
    for c in "${want[@]}"; do
      if [[ $c == "$s" ]]; then
        SELECTED+=("$s")
        break
      fi
    done
  done
}

# Only one up/down at a time per runtime dir.
take_lock() {
  mkdir -p "$PEERS_DIR" "$PEERS_LOGS"
  exec 6>"$PEERS_DIR/.lock"
  if ! flock -w 1800 6; then
    echo "peers: another 'peers up/down' holds $PEERS_DIR/.lock" >&2
    exit 1
  fi
}

# The env file is rebuilt from each server's fragment, written via a temp file
# so a test never reads it half-written.
assemble_env() {
  local s tmp="$PEERS_DIR/.env.tmp" any=0
  {
    for s in "${ALL_SERVERS[@]}"; do
      if [[ -f $PEERS_DIR/$s/env ]]; then
        cat "$PEERS_DIR/$s/env"
        any=1
      fi
    done
    if ((any)); then env_line PEERS_DIR "$PEERS_DIR"; fi
  } >"$tmp"
  if [[ -s $tmp ]]; then
    mv "$tmp" "$PEERS_DIR/env"
  else
    rm -f "$tmp" "$PEERS_DIR/env"
  fi
}

# job_timing SERVER RC: "obtain Ns start Ns" of the last job.
job_timing() {
  local f="$PEERS_DIR/.jobs/$1/timings" k
  if [[ ! -f $f ]]; then
    [[ $2 == 0 ]] && echo "(was already running)"
    return 0
  fi
  for k in obtain start; do
    grep "^$k=" "$f" | tail -n1 | sed "s/^$k=\(.*\)/$k \1s/" | tr '\n' ' '
  done
}

cmd_up() {
  select_servers "$@"
  take_lock
  local t0=$SECONDS s
  declare -A pids=() rcs=()
  for s in "${SELECTED[@]}"; do
    rm -rf "$PEERS_DIR/.jobs/$s"
    mkdir -p "$PEERS_DIR/.jobs/$s"
    # Each server is its own job: keycloak boots while kube-apiserver builds.
    # A failed server is stopped again (its logs stay) so nothing half-up
    # keeps running. The inner `( ) & wait` keeps `set -e` in force inside.
    (
      PEERS_CURRENT=$s
      ("${s}_up") &
      rc=0
      wait $! || rc=$?
      if ((rc != 0)); then
        "${s}_down" >/dev/null 2>&1 || true
        exit "$rc"
      fi
    ) </dev/null &
    pids[$s]=$!
  done
  for s in "${SELECTED[@]}"; do
    rcs[$s]=0
    wait "${pids[$s]}" || rcs[$s]=$?
  done

  # helm and kubectl must reach our API server, not just print a version.
  if [[ ${rcs[helm]:-x} == 0 && ${rcs[kube]:-x} == 0 ]]; then
    if ! (PEERS_CURRENT=helm && helm_smoke_against_kube); then
      rcs[helm]=1
    fi
  fi

  assemble_env

  local failed=0 line logf
  echo "peers up summary (total $((SECONDS - t0))s):" >&2
  for s in "${SELECTED[@]}"; do
    if [[ ${rcs[$s]} == 0 ]]; then
      printf '  %-9s ok      %s\n' "$s" "$(job_timing "$s" 0)" >&2
    else
      failed=1
      printf '  %-9s FAILED  %s\n' "$s" "$(job_timing "$s" 1)" >&2
    fi
  done
  for s in "${SELECTED[@]}"; do
    [[ ${rcs[$s]} == 0 ]] && continue
    line=$(cat "$PEERS_DIR/.jobs/$s/error" 2>/dev/null || echo "$s: up failed (exit ${rcs[$s]}), no details recorded")
    echo "$line" >&2
    logf=$(cat "$PEERS_DIR/.jobs/$s/error.log" 2>/dev/null || true)
    if [[ -n $logf && -f $logf ]]; then
      echo "---- last 40 lines of $logf ----" >&2
      tail -n 40 "$logf" >&2
      echo "----" >&2
    fi
  done
  if ((failed)); then exit 1; fi
  echo "env file: $PEERS_DIR/env" >&2
}

cmd_down() {
  local all=$(($# == 0)) s i
  select_servers "$@"
  [[ -d $PEERS_DIR ]] || return 0
  take_lock
  for ((i = ${#SELECTED[@]} - 1; i >= 0; i--)); do
    s=${SELECTED[$i]}
    PEERS_CURRENT=$s "${s}_down"
  done
  assemble_env
  if ((all)); then
    # Remove only what we created, so a mis-set CODER_PLATFORM_PEERS_DIR
    # never makes this delete someone's files.
    rm -rf "$PEERS_LOGS" "$PEERS_DIR/.jobs"
    # .lock and .ports.lock stay: deleting a file another `peers` process
    # waits on with flock would let a third one lock a new file beside it.
    rm -f "$PEERS_DIR/env" "$PEERS_DIR/.ports" "$PEERS_DIR/.env.tmp"
  fi
  echo "peers: stopped ${SELECTED[*]}" >&2
}

cmd_status() {
  local s
  select_servers "$@"
  for s in "${SELECTED[@]}"; do
    "${s}_status"
  done
}

cmd_env() {
  local prefix=""
  [[ ${1:-} == --export ]] && prefix="export "
  if [[ ! -f $PEERS_DIR/env ]]; then
    echo "peers: no env file at $PEERS_DIR/env; run 'peers up' first" >&2
    exit 1
  fi
  sed "s/^/$prefix/" "$PEERS_DIR/env"
}

main() {
  (($# >= 1)) || usage
  local cmd=$1
  shift
  case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    env) cmd_env "$@" ;;
    -h | --help | help) usage ;;
    *) usage ;;
  esac
}

main "$@"
