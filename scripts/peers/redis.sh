# shellcheck shell=bash
# Redis: Debian's redis-server (installed with apt-get when missing), started
# on 127.0.0.1 with a generated password and no persistence. It is the shared
# cache store (`backend.cache.store: redis`) of the two-replica tests: two
# backends on one PostgreSQL database and one Redis, as in production.

REDIS_DIR=$PEERS_DIR/redis

redis_obtain() {
  have redis-server && return 0
  ((EUID == 0)) || fail "obtain" "redis-server is not installed and installing it needs root (apt-get install redis-server)"
  local logf=$PEERS_LOGS/build-redis.log
  mkdir -p "$PEERS_LOGS"
  log "apt-get install redis-server (log: $logf)"
  {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server ||
      { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server; }
  } </dev/null >>"$logf" 2>&1 || fail "obtain" "redis: apt-get install redis-server failed" "$logf"
  have redis-server || fail "obtain" "redis: installed but redis-server is not on PATH" "$logf"
}

redis_ping() { # port password
  [[ $(redis-cli -h 127.0.0.1 -p "$1" --no-auth-warning -a "$2" ping 2>/dev/null) == PONG ]]
}

redis_healthy() {
  [[ -f $REDIS_DIR/port && -f $REDIS_DIR/password ]] &&
    pidfile_alive "$REDIS_DIR/pid" >/dev/null &&
    redis_ping "$(<"$REDIS_DIR/port")" "$(<"$REDIS_DIR/password")"
}

redis_up() {
  mkdir -p "$REDIS_DIR" "$PEERS_LOGS"
  if redis_healthy; then
    log "already running (pid $(pidfile_alive "$REDIS_DIR/pid"))"
    return 0
  fi
  redis_down
  local t0
  t0=$(now)
  with_apt_lock redis_obtain
  record_timing obtain "$t0"
  t0=$(now)
  redis_start
  record_timing start "$t0"
}

redis_start() {
  local port password version logf=$PEERS_LOGS/redis.log
  mkdir -p "$REDIS_DIR"
  : >"$logf"
  port=$(claim_port) || fail "start" "redis: no free port"
  password=$(random_secret)
  # The password goes through a config file, never the command line (ps).
  umask 077
  cat >"$REDIS_DIR/redis.conf" <<CONF
bind 127.0.0.1
port $port
requirepass $password
protected-mode yes
save ""
appendonly no
dir $REDIS_DIR
daemonize no
CONF
  echo "$password" >"$REDIS_DIR/password"
  spawn "$REDIS_DIR/pid" "$logf" redis-server "$REDIS_DIR/redis.conf"
  echo "$port" >"$REDIS_DIR/port"
  version=$(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p')
  {
    env_line PEERS_REDIS_URL "redis://:$password@127.0.0.1:$port"
    env_line PEERS_REDIS_PORT "$port"
    env_line PEERS_REDIS_VERSION "$version"
  } >"$REDIS_DIR/env"
  wait_until 20 "$REDIS_DIR/pid" "redis-server" redis_ping "$port" "$password" ||
    fail "health check" "redis-server did not answer PING on 127.0.0.1:$port" "$logf"
  log "ready at 127.0.0.1:$port (redis $version)"
}

redis_down() {
  stop_pidfile "$REDIS_DIR/pid" TERM 10
  rm -rf "$REDIS_DIR"
}

redis_status() {
  status_line redis "$REDIS_DIR/pid" "$(cat "$REDIS_DIR/port" 2>/dev/null || echo -)"
}
