# shellcheck shell=bash
# Shared helpers for scripts/peers/*.sh. Sourced by peers.sh, never run.
#
# Layout:
#   $PEERS_CACHE/<name>-<version>/   obtained/built binaries, complete or absent
#   $PEERS_DIR/<server>/             runtime state of one server (data, pid, env)
#   $PEERS_DIR/logs/                 every log we write (build + server logs)
#   $PEERS_DIR/.jobs/<server>/       timings and error of the last `up` job
#   $PEERS_DIR/env                   KEY=value lines for tests

PEERS_SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PEERS_REPO_ROOT=$(cd "$PEERS_SCRIPT_DIR/../.." && pwd)
PEERS_CACHE=${CODER_PLATFORM_PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/coder-platform-peers}
PEERS_DIR=${CODER_PLATFORM_PEERS_DIR:-$PEERS_REPO_ROOT/.peers}
PEERS_LOGS=$PEERS_DIR/logs
# Set by peers.sh inside each per-server job; used to prefix messages.
PEERS_CURRENT=${PEERS_CURRENT:-peers}

# ---------------------------------------------------------------- messages

log() { printf '[%s] %s\n' "$PEERS_CURRENT" "$*" >&2; }

# fail STEP MESSAGE [LOGFILE]: the one way a server job reports failure. The
# message names the server and the step, as the caller of `up` needs to know
# what broke; peers.sh prints the file and the log tail after all jobs end.
fail() {
  local step=$1 msg=$2 logf=${3:-}
  local line="$PEERS_CURRENT: $step failed: $msg"
  [[ -n $logf ]] && line+=" (see $logf)"
  mkdir -p "$PEERS_DIR/.jobs/$PEERS_CURRENT"
  # The first failure is the most specific one (a builder inside a subshell
  # fails before its caller does); keep it.
  if [[ ! -f $PEERS_DIR/.jobs/$PEERS_CURRENT/error ]]; then
    printf '%s\n' "$line" >"$PEERS_DIR/.jobs/$PEERS_CURRENT/error"
    [[ -n $logf ]] && printf '%s\n' "$logf" >"$PEERS_DIR/.jobs/$PEERS_CURRENT/error.log"
  fi
  log "FAILED: $step: $msg"
  exit 1
}

have() { command -v "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------- timings

# now; then record_timing LABEL T0 after the step. Deliberately not a
# wrapper function around the step: calling the step in a plain statement keeps
# `set -e` in force inside it (bash ignores -e under `cmd || ...`).
now() { date +%s.%N; }

record_timing() {
  local label=$1 t0=$2 secs
  secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}')
  mkdir -p "$PEERS_DIR/.jobs/$PEERS_CURRENT"
  printf '%s=%s\n' "$label" "$secs" >>"$PEERS_DIR/.jobs/$PEERS_CURRENT/timings"
}

# ---------------------------------------------------------------- ports

# claim_port: prints a free 127.0.0.1 TCP port. Ports handed out during this
# runtime dir's life are remembered so two servers starting in parallel never
# get the same one between "probe" and "bind".
claim_port() {
  local port
  mkdir -p "$PEERS_DIR"
  (
    flock 7
    local tries=0
    while :; do
      port=$(probe_free_port)
      if ! grep -qx "$port" "$PEERS_DIR/.ports" 2>/dev/null; then
        echo "$port" >>"$PEERS_DIR/.ports"
        echo "$port"
        exit 0
      fi
      tries=$((tries + 1))
      ((tries < 50)) || exit 1
    done
  ) 7>"$PEERS_DIR/.ports.lock"
}

# Let the kernel pick an unused port on loopback; fall back to probing random
# high ports with bash's /dev/tcp when python3 is not there.
probe_free_port() {
  if have python3; then
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
    return
  fi
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
}

# ---------------------------------------------------------------- processes

proc_starttime() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }

# write_pidfile FILE PID: stores the pid and its kernel start time, so a later
# stop never signals an unrelated process that reused the pid.
write_pidfile() {
  printf '%s %s\n' "$2" "$(proc_starttime "$2")" >"$1"
}

# pidfile_alive FILE: prints the pid and succeeds when that very process runs.
pidfile_alive() {
  local f=$1 pid st
  [[ -f $f ]] || return 1
  read -r pid st <"$f" || return 1
  [[ -n $pid && -d /proc/$pid ]] || return 1
  [[ $(proc_starttime "$pid") == "$st" ]] || return 1
  echo "$pid"
}

# spawn PIDFILE LOGFILE CMD...: starts CMD detached (own session, stdio on the
# log, no inherited lock fds), so it outlives `peers up` and a Ctrl-C there.
spawn() {
  local pidfile=$1 logf=$2
  shift 2
  setsid "$@" >>"$logf" 2>&1 </dev/null 6>&- 7>&- 8>&- 9>&- &
  local pid=$!
  # setsid only forks when already a group leader, which a job of a
  # non-interactive shell never is; so $! is the server itself.
  write_pidfile "$pidfile" "$pid"
}

# stop_pidfile FILE [SIGNAL] [TIMEOUT]: SIGNAL (default TERM), wait, then KILL.
stop_pidfile() {
  local f=$1 sig=${2:-TERM} timeout=${3:-20} pid i
  if pid=$(pidfile_alive "$f"); then
    # Our servers lead their own process group (setsid, or pg_ctl's own
    # setsid); signalling the group also reaches children such as the java
    # process under kc.sh, so a KILL leaves no orphans behind.
    local target=$pid
    [[ $(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') == "$pid" ]] && target=-$pid
    kill -s "$sig" -- "$target" 2>/dev/null || true
    for ((i = 0; i < timeout * 5; i++)); do
      [[ -d /proc/$pid ]] || break
      sleep 0.2
    done
    if [[ -d /proc/$pid ]]; then
      log "pid $pid did not stop within ${timeout}s; sending KILL"
      kill -KILL -- "$target" 2>/dev/null || true
      sleep 0.5
    fi
  fi
  rm -f "$f"
}

# rss_mib PID: resident memory of PID plus its direct children, in MiB.
rss_mib() {
  ps -o rss= --pid "$1" --ppid "$1" 2>/dev/null | awk '{s+=$1} END{printf "%d", s/1024}'
}

# wait_until TIMEOUT PIDFILE DESCRIPTION CMD...: polls CMD until it succeeds;
# gives up early when the process in PIDFILE died.
wait_until() {
  local timeout=$1 pidfile=$2 what=$3 deadline
  shift 3
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    "$@" >/dev/null 2>&1 && return 0
    if [[ -n $pidfile ]] && ! pidfile_alive "$pidfile" >/dev/null; then
      log "$what: process exited"
      return 1
    fi
    sleep 0.5
  done
  log "$what: not ready after ${timeout}s"
  return 1
}

# status_line NAME PIDFILE PORT: one line of `peers status`.
status_line() {
  local name=$1 pidfile=$2 port=${3:--} pid
  if pid=$(pidfile_alive "$pidfile"); then
    printf '%-16s running  pid=%-8s port=%-6s rss=%sMiB\n' "$name" "$pid" "$port" "$(rss_mib "$pid")"
  else
    printf '%-16s stopped\n' "$name"
  fi
}

# ---------------------------------------------------------------- cache

# cache_ensure KEY BUILDER: prints $PEERS_CACHE/KEY, first running
# `BUILDER TMPDIR LOGFILE` when it is absent. BUILDER fills TMPDIR, which is
# renamed into place only on success: an interrupted or failed build never
# leaves a half cache. A lock per key stops two `up`s building it twice.
cache_ensure() {
  local key=$1 builder=$2 final="$PEERS_CACHE/$1"
  if [[ -f $final/.complete ]]; then
    echo "$final"
    return 0
  fi
  mkdir -p "$PEERS_CACHE" "$PEERS_LOGS"
  local logf="$PEERS_LOGS/build-$key.log"
  (
    flock 9
    [[ -f $final/.complete ]] && exit 0
    rm -rf "$PEERS_CACHE/.tmp-$key".* # leftovers of an interrupted build
    local tmp
    tmp=$(mktemp -d "$PEERS_CACHE/.tmp-$key.XXXXXX")
    # Builders report errors through fail(), which exits this subshell; the
    # trap still removes the partial tree (after the rename it is gone).
    trap 'rm -rf "$tmp"' EXIT
    : >"$logf"
    log "obtaining $key into the cache (log: $logf)"
    "$builder" "$tmp" "$logf" >&2 || exit 1
    date -u +%FT%TZ >"$tmp/.complete"
    rm -rf "$final"
    mv "$tmp" "$final"
  ) 9>"$PEERS_CACHE/.lock-$key" || return 1
  echo "$final"
}

# go_build_env: settings for every Go build we do. Static, reproducible,
# small binaries; the machine's Go, never a downloaded toolchain.
go_build_env() {
  export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-trimpath -buildvcs=false"
}

# with_go_lock CMD...: Go builds take both cores (and GBs of memory for
# kube-apiserver); run them one at a time, even across parallel jobs.
with_go_lock() {
  mkdir -p "$PEERS_CACHE"
  (
    flock 8
    "$@"
  ) 8>"$PEERS_CACHE/.lock-go-build"
}

# go_build_in DIR GO-BUILD-ARGS...: `go build` in DIR, reporting its wall time
# and peak memory (in the build log) when GNU time is there.
go_build_in() {
  local dir=$1
  shift
  (
    cd "$dir" || exit 1
    if [[ -x /usr/bin/time ]]; then
      /usr/bin/time -f "go build: wall %es, max RSS %MkB" go build "$@"
    else
      go build "$@"
    fi
  )
}

# unzip_to ZIP DIR: python3's zipfile, because `unzip` may be missing.
unzip_to() {
  if have unzip; then
    unzip -q -o "$1" -d "$2"
  else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$1" "$2"
  fi
}

# ---------------------------------------------------------------- env file

# env_line KEY VALUE: a line for $PEERS_DIR/<server>/env. Values are written
# bare so Node can split on the first '='; anything a shell would mangle is
# refused rather than quoted.
env_line() {
  local k=$1 v=$2
  [[ $v =~ ^[A-Za-z0-9_@%+=:,./~-]*$ ]] ||
    fail "env" "refusing to write $k: value has characters unsafe for KEY=value files: $v"
  printf '%s=%s\n' "$k" "$v"
}

random_secret() { openssl rand -hex 16; }
