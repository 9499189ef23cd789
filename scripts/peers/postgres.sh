# shellcheck shell=bash
# PostgreSQL: the machine's own PostgreSQL 15 server binaries (nothing to
# download), a throwaway cluster initdb'ed under $PEERS_DIR/postgres, password
# auth, TCP on 127.0.0.1 only (no unix socket, so no path-length or
# permission surprises).

PG_DIR=$PEERS_DIR/postgres
PG_OS_USER=peers # postgres refuses to run as root; this user runs it then

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/15/bin "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")"; do
    [[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]] && { echo "$d"; return 0; }
  done
  return 1
}

# pg_as_owner CMD...: runs CMD as the unprivileged owner of the cluster.
pg_as_owner() {
  if ((EUID == 0)); then
    runuser -u "$PG_OS_USER" -- "$@"
  else
    "$@"
  fi
}

pg_ensure_os_user() {
  ((EUID == 0)) || return 0
  id -u "$PG_OS_USER" >/dev/null 2>&1 && return 0
  log "creating system user '$PG_OS_USER' to run postgres (it refuses root)"
  useradd --system --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$PG_OS_USER"
}

# The data dir must be reachable by the cluster owner. Under e.g. /root it is
# not; then the data goes to a private dir under /tmp, remembered in
# $PG_DIR/datadir so `down` removes it.
pg_pick_datadir() {
  local d=$PG_DIR/data
  if ((EUID == 0)); then
    chown "$PG_OS_USER" "$PG_DIR"
    if ! runuser -u "$PG_OS_USER" -- test -w "$PG_DIR"; then
      d=$(mktemp -d "${TMPDIR:-/tmp}/coder-platform-peers-pg.XXXXXX")
      chown "$PG_OS_USER" "$d"
      chmod 700 "$d"
      d=$d/data
    fi
  fi
  echo "$d" >"$PG_DIR/datadir"
  echo "$d"
}

pg_healthy() {
  [[ -f $PG_DIR/env ]] || return 1
  pidfile_alive "$PG_DIR/pid" >/dev/null || return 1
  local PEERS_PG_PORT PEERS_PG_PASSWORD
  # shellcheck disable=SC1091
  source "$PG_DIR/env"
  if have psql; then
    [[ $(PGPASSWORD=$PEERS_PG_PASSWORD PGCONNECT_TIMEOUT=3 psql -X -h 127.0.0.1 \
      -p "$PEERS_PG_PORT" -U postgres -d postgres -tAc 'select 1' 2>/dev/null) == 1 ]]
  else
    pg_isready -q -h 127.0.0.1 -p "$PEERS_PG_PORT" -U postgres
  fi
}

postgres_up() {
  mkdir -p "$PG_DIR" "$PEERS_LOGS"
  if pg_healthy; then
    log "already running (pid $(pidfile_alive "$PG_DIR/pid"))"
    return 0
  fi
  postgres_down # stale state from a crash or reboot: start over

  local bindir version t0
  # "obtain" is only finding the installed binaries.
  t0=$(now)
  bindir=$(pg_bindir) ||
    fail "obtain" "no PostgreSQL 15 server binaries (initdb, pg_ctl, postgres) in /usr/lib/postgresql/15/bin or on PATH"
  # "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" -> 15.18
  version=$("$bindir/postgres" --version | awk '{print $3}')
  record_timing obtain "$t0"
  t0=$(now)
  postgres_start "$bindir" "$version"
  record_timing start "$t0"
}

postgres_start() {
  local bindir=$1 version=$2 datadir port password logf=$PEERS_LOGS/postgres.log
  mkdir -p "$PG_DIR"
  pg_ensure_os_user || fail "start" "could not create the '$PG_OS_USER' system user"
  datadir=$(pg_pick_datadir)
  password=$(random_secret)
  port=$(claim_port) || fail "start" "no free port"

  # initdb reads the superuser password from a file the owner can read:
  # beside the data dir, which the owner can reach by construction.
  local pwfile
  pwfile="$(dirname "$datadir")/pwfile"
  (umask 077 && printf '%s\n' "$password" >"$pwfile")
  if ((EUID == 0)); then chown "$PG_OS_USER" "$pwfile"; fi
  # The log is opened here (as the caller) and inherited as stdout/stderr,
  # so the owner needs no access to $PEERS_LOGS.
  : >"$logf"
  # --no-sync: the cluster is disposable, so skip fsync (saves seconds).
  if ! pg_as_owner "$bindir/initdb" -D "$datadir" -U postgres --pwfile="$pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --no-locale --no-sync >>"$logf" 2>&1; then
    rm -f "$pwfile"
    fail "start" "initdb failed" "$logf"
  fi
  rm -f "$pwfile"

  # Test settings: loopback only, no socket file, durability off (data is
  # thrown away by `down` anyway), room for many test connections.
  cat >>"$datadir/postgresql.conf" <<EOF

# --- added by scripts/peers/postgres.sh ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 64MB
EOF

  # pg_ctl daemonizes postgres itself (server output goes to pg_ctl's
  # stdout, i.e. our log); -w waits until it accepts connections.
  if ! pg_as_owner "$bindir/pg_ctl" -D "$datadir" -w -t 60 start >>"$logf" 2>&1 6>&- 7>&- 8>&- 9>&-; then
    fail "start" "pg_ctl start failed" "$logf"
  fi
  local pid
  pid=$(head -n1 "$datadir/postmaster.pid")
  write_pidfile "$PG_DIR/pid" "$pid"
  echo "$port" >"$PG_DIR/port"

  {
    env_line PEERS_PG_HOST 127.0.0.1
    env_line PEERS_PG_PORT "$port"
    env_line PEERS_PG_USER postgres
    env_line PEERS_PG_PASSWORD "$password"
    env_line PEERS_PG_DATABASE postgres
    env_line PEERS_PG_URL "postgresql://postgres:$password@127.0.0.1:$port/postgres"
    env_line PEERS_PG_VERSION "$version"
  } >"$PG_DIR/env"

  wait_until 30 "$PG_DIR/pid" "postgres health (select 1)" pg_healthy ||
    fail "health check" "select 1 on 127.0.0.1:$port did not answer" "$logf"
  log "ready on 127.0.0.1:$port (PostgreSQL $version)"
}

postgres_down() {
  # SIGINT is postgres' "fast" shutdown; TERM would wait for clients to leave.
  stop_pidfile "$PG_DIR/pid" INT 30
  local d
  if [[ -f $PG_DIR/datadir ]]; then
    d=$(<"$PG_DIR/datadir")
    case $d in
      "$PG_DIR"/*) ;;
      */coder-platform-peers-pg.*/data) rm -rf "$(dirname "$d")" ;;
    esac
  fi
  rm -rf "$PG_DIR"
}

postgres_status() {
  status_line postgres "$PG_DIR/pid" "$(cat "$PG_DIR/port" 2>/dev/null || echo -)"
}
