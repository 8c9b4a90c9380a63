#!/usr/bin/env bash
# Installs (from Debian packages and npm) and starts the real servers the integration tests use, on loopback:
#   PostgreSQL 15  127.0.0.1:5432   role bulwark/bulwark (superuser, replication), wal_level=logical
#   Redis          127.0.0.1:6379   no persistence
#   RabbitMQ       127.0.0.1:5672   guest/guest (loopback only, RabbitMQ's default)
#   Azurite        127.0.0.1:10000-10002 (blob, queue, table)
# and installs chromium (no server: the Control Room browser tests start it headless themselves).
# Idempotent: a server that already answers is left alone (never stopped or restarted, except PostgreSQL when its
# wal_level is not logical yet). No systemd needed. Runs as root, or through sudo for the parts that need root.
# Logs and Azurite's data go under $BULWARK_SERVICES_DIR (default: /tmp/bulwark-services).
set -euo pipefail

PG_VERSION="${BULWARK_PG_VERSION:-15}"
PG_CLUSTER="${BULWARK_PG_CLUSTER:-main}"
AZURITE_VERSION="${BULWARK_AZURITE_VERSION:-3.35.0}"
SERVICES_DIR="${BULWARK_SERVICES_DIR:-${TMPDIR:-/tmp}/bulwark-services}"
START_TIMEOUT="${BULWARK_SERVICES_TIMEOUT:-120}"
LOG_DIR="$SERVICES_DIR/logs"

log() { printf '[services] %s\n' "$*"; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

# Runs a command as the postgres OS user from a directory it can read (psql warns otherwise).
as_postgres() {
  (cd / && as_root runuser -u postgres -- "$@")
}

port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# wait_port NAME HOST PORT LOGFILE: waits up to START_TIMEOUT seconds, then fails naming the service.
wait_port() {
  local name="$1" host="$2" port="$3" logfile="${4:-}" waited=0
  until port_open "$host" "$port"; do
    if [ "$waited" -ge "$START_TIMEOUT" ]; then
      printf '[services] ERROR: %s did not listen on %s:%s within %ss.\n' "$name" "$host" "$port" "$START_TIMEOUT" >&2
      if [ -n "$logfile" ] && [ -r "$logfile" ]; then
        printf '[services] last lines of %s:\n' "$logfile" >&2
        tail -n 40 "$logfile" >&2 || true
      fi
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "$name is listening on $host:$port"
}

mkdir -p "$LOG_DIR"

# --- install -----------------------------------------------------------------------------------------------
missing=()
# prometheus: promtool checks deploy/prometheus/alerts.yml and runs its unit tests; the 3am drill test
# (tests/Bulwark.Drills.Tests/ThreeAm) starts the server itself on a free port, so none is started here.
# chromium: the browser the Playwright tests drive headless (tests/Bulwark.ControlRoom.Tests, tests/Shop.Host.Tests/Api).
# kubectl: only for `kubectl kustomize`, which renders deploy/k8s offline (deploy/k8s/check.sh; no cluster is used).
for pkg in postgresql redis-server rabbitmq-server prometheus chromium kubectl; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]} from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get -o Acquire::Retries=3 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Retries=3 install -y -qq --no-install-recommends \
    postgresql redis-server rabbitmq-server prometheus chromium kubectl </dev/null >"$LOG_DIR/apt-install.log" 2>&1 \
    || { tail -n 40 "$LOG_DIR/apt-install.log" >&2; die "apt-get install failed (full log: $LOG_DIR/apt-install.log)"; }
else
  log "postgresql, redis-server, rabbitmq-server, prometheus (promtool), chromium and kubectl are installed"
fi

if ! command -v azurite >/dev/null 2>&1; then
  command -v npm >/dev/null 2>&1 || die "azurite is missing and npm is not installed (install Node.js 20 + npm first)"
  log "installing azurite@$AZURITE_VERSION from npm"
  as_root npm install -g --no-fund --no-audit --loglevel=error "azurite@$AZURITE_VERSION" </dev/null \
    || die "npm install -g azurite@$AZURITE_VERSION failed"
  hash -r
  command -v azurite >/dev/null 2>&1 || die "azurite is not on PATH after npm install -g (npm prefix: $(npm prefix -g))"
fi

# --- PostgreSQL ----------------------------------------------------------------------------------------------
pg_status() { pg_lsclusters -h "$PG_VERSION" "$PG_CLUSTER" 2>/dev/null | awk '{print $4}'; }

if [ -z "$(pg_lsclusters -h "$PG_VERSION" "$PG_CLUSTER" 2>/dev/null || true)" ]; then
  log "creating PostgreSQL cluster $PG_VERSION/$PG_CLUSTER"
  as_root pg_createcluster "$PG_VERSION" "$PG_CLUSTER" --port 5432 >"$LOG_DIR/pg_createcluster.log" 2>&1 \
    || { cat "$LOG_DIR/pg_createcluster.log" >&2; die "PostgreSQL: pg_createcluster $PG_VERSION $PG_CLUSTER failed"; }
fi

pg_conf_changed=0
if [ "$(pg_conftool -s "$PG_VERSION" "$PG_CLUSTER" show wal_level 2>/dev/null || true)" != "logical" ]; then
  log "PostgreSQL: setting wal_level = logical in postgresql.conf"
  as_root pg_conftool "$PG_VERSION" "$PG_CLUSTER" set wal_level logical
  pg_conf_changed=1
fi
# Test shops run side by side, each with its own pool (docs/shop.md, "Running on PostgreSQL"): room for several.
if [ "$(pg_conftool -s "$PG_VERSION" "$PG_CLUSTER" show max_connections 2>/dev/null || true)" != "300" ]; then
  log "PostgreSQL: setting max_connections = 300 in postgresql.conf"
  as_root pg_conftool "$PG_VERSION" "$PG_CLUSTER" set max_connections 300
  pg_conf_changed=1
fi
# Loopback only, on the port the tests expect. Debian's defaults (unset, or localhost / 5432) already are.
have="$(pg_conftool -s "$PG_VERSION" "$PG_CLUSTER" show listen_addresses 2>/dev/null || true)"
case "$have" in
  ''|localhost|127.0.0.1|"'localhost'"|"'127.0.0.1'") ;;
  *) log "PostgreSQL: setting listen_addresses = 127.0.0.1 in postgresql.conf (was '$have')"
     as_root pg_conftool "$PG_VERSION" "$PG_CLUSTER" set listen_addresses 127.0.0.1
     pg_conf_changed=1 ;;
esac
have="$(pg_conftool -s "$PG_VERSION" "$PG_CLUSTER" show port 2>/dev/null || true)"
if [ -n "$have" ] && [ "$have" != "5432" ]; then
  log "PostgreSQL: setting port = 5432 in postgresql.conf (was '$have')"
  as_root pg_conftool "$PG_VERSION" "$PG_CLUSTER" set port 5432
  pg_conf_changed=1
fi

PG_LOG="/var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log"
if [ "$(pg_status)" = "online" ]; then
  live_wal="$(as_postgres psql -p 5432 -Atqc 'SHOW wal_level' 2>/dev/null || true)"
  if [ "$pg_conf_changed" = 1 ] || [ "$live_wal" != "logical" ]; then
    log "PostgreSQL $PG_VERSION/$PG_CLUSTER is running with an outdated configuration: restarting it"
    as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" restart </dev/null >>"$LOG_DIR/postgres-ctl.log" 2>&1 \
      || { tail -n 40 "$LOG_DIR/postgres-ctl.log" "$PG_LOG" >&2 || true; die "PostgreSQL: pg_ctlcluster restart failed"; }
  else
    log "PostgreSQL $PG_VERSION/$PG_CLUSTER is already running"
  fi
elif port_open 127.0.0.1 5432; then
  die "PostgreSQL: something other than cluster $PG_VERSION/$PG_CLUSTER listens on 127.0.0.1:5432"
else
  log "starting PostgreSQL $PG_VERSION/$PG_CLUSTER"
  as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start </dev/null >>"$LOG_DIR/postgres-ctl.log" 2>&1 \
    || { tail -n 40 "$LOG_DIR/postgres-ctl.log" "$PG_LOG" >&2 || true; die "PostgreSQL: pg_ctlcluster start failed"; }
fi
wait_port PostgreSQL 127.0.0.1 5432 "$PG_LOG"

role="$(as_postgres psql -p 5432 -Atqc \
  "SELECT rolcanlogin AND rolsuper AND rolreplication FROM pg_roles WHERE rolname = 'bulwark'")" \
  || die "PostgreSQL: cannot query roles as the postgres OS user"
if [ -z "$role" ]; then
  log "PostgreSQL: creating role bulwark"
  as_postgres psql -p 5432 -qc "CREATE ROLE bulwark LOGIN SUPERUSER REPLICATION PASSWORD 'bulwark'" >/dev/null
elif [ "$role" != "t" ]; then
  log "PostgreSQL: granting LOGIN SUPERUSER REPLICATION to role bulwark"
  as_postgres psql -p 5432 -qc "ALTER ROLE bulwark LOGIN SUPERUSER REPLICATION" >/dev/null
fi
wal="$(PGPASSWORD=bulwark psql "host=127.0.0.1 port=5432 user=bulwark dbname=postgres connect_timeout=5" -Atqc 'SHOW wal_level')" \
  || die "PostgreSQL: role bulwark cannot log in over TCP on 127.0.0.1:5432 (check pg_hba.conf)"
[ "$wal" = "logical" ] || die "PostgreSQL: wal_level is '$wal', expected 'logical'"
log "PostgreSQL: bulwark@127.0.0.1:5432 works, wal_level=logical"

# --- Redis ---------------------------------------------------------------------------------------------------
if port_open 127.0.0.1 6379; then
  log "Redis is already running on 127.0.0.1:6379"
else
  log "starting Redis"
  mkdir -p "$SERVICES_DIR/redis"
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no \
    --dir "$SERVICES_DIR/redis" --logfile "$LOG_DIR/redis.log" </dev/null >>"$LOG_DIR/redis.log" 2>&1 \
    || { tail -n 40 "$LOG_DIR/redis.log" >&2 || true; die "Redis: redis-server failed to start"; }
fi
wait_port Redis 127.0.0.1 6379 "$LOG_DIR/redis.log"

# --- RabbitMQ ------------------------------------------------------------------------------------------------
# The node is named after the host; where the host name does not resolve, Erlang distribution cannot work.
if ! getent hosts "$(hostname -s)" >/dev/null 2>&1 && [ -z "${RABBITMQ_NODENAME:-}" ]; then
  export RABBITMQ_NODENAME=rabbit@localhost
fi
rabbit_ping() { timeout 30 rabbitmq-diagnostics -q ping </dev/null >/dev/null 2>&1; }
RABBIT_LOG="$LOG_DIR/rabbitmq-start.log"
if port_open 127.0.0.1 5672; then
  log "RabbitMQ is already running on 127.0.0.1:5672"
else
  log "starting RabbitMQ"
  # Debian's wrapper drops to the rabbitmq user; -detached returns at once, so readiness is polled below.
  as_root env RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 rabbitmq-server -detached </dev/null >>"$RABBIT_LOG" 2>&1 \
    || { tail -n 40 "$RABBIT_LOG" >&2 || true; die "RabbitMQ: rabbitmq-server -detached failed"; }
fi
waited=0
until rabbit_ping; do
  if [ "$waited" -ge "$START_TIMEOUT" ]; then
    printf '[services] ERROR: RabbitMQ did not answer rabbitmq-diagnostics ping within %ss.\n' "$START_TIMEOUT" >&2
    tail -n 40 "$RABBIT_LOG" /var/log/rabbitmq/*.log >&2 2>/dev/null || true
    exit 1
  fi
  sleep 2
  waited=$((waited + 2))
done
log "RabbitMQ node answers ping"
wait_port RabbitMQ 127.0.0.1 5672 "$RABBIT_LOG"

# --- Azurite -------------------------------------------------------------------------------------------------
AZ_LOG="$LOG_DIR/azurite.log"
azurite_ports=(10000 10001 10002)
open=0
for p in "${azurite_ports[@]}"; do port_open 127.0.0.1 "$p" && open=$((open + 1)); done
if [ "$open" -eq 3 ]; then
  log "Azurite is already running on 127.0.0.1:10000-10002"
elif [ "$open" -gt 0 ]; then
  die "Azurite: only $open of the ports 10000-10002 answer; another process holds some of them"
else
  log "starting Azurite (data in $SERVICES_DIR/azurite)"
  mkdir -p "$SERVICES_DIR/azurite"
  # Its own stdio goes to the log file so a caller's pipe (CI's tee) is not held open after this script ends.
  nohup azurite --silent --location "$SERVICES_DIR/azurite" \
    --blobHost 127.0.0.1 --blobPort 10000 --queueHost 127.0.0.1 --queuePort 10001 \
    --tableHost 127.0.0.1 --tablePort 10002 --skipApiVersionCheck \
    </dev/null >>"$AZ_LOG" 2>&1 &
  disown || true
fi
wait_port "Azurite blob" 127.0.0.1 10000 "$AZ_LOG"
wait_port "Azurite queue" 127.0.0.1 10001 "$AZ_LOG"
wait_port "Azurite table" 127.0.0.1 10002 "$AZ_LOG"

log "all services are up (logs: $LOG_DIR)"
