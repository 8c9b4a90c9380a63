#!/usr/bin/env bash
# The local fleet, one command each way (docs/shop.md, "Running as a fleet"; ADR 0006 says why not Aspire here):
#   bash deploy/fleet/fleet.sh up       # 3 shop instances :5200 :5201 :5202 on PostgreSQL, Redis, RabbitMQ, Azurite
#   bash deploy/fleet/fleet.sh down     # stops what `up` started (by the process ids it wrote), nothing else
#   bash deploy/fleet/fleet.sh status   # each instance's readiness
# FLEET_SIZE=N changes the number of instances, FLEET_PORT the first port (default 5200; the stand-ins take
# FLEET_PORT+90 and +91), FLEET_CONFIGURATION the build (Debug by default; the benchmark uses Release). The servers come from .ci/services.sh (installed and started if missing); the shop's data
# is the database shop_fleet on the local PostgreSQL (kept across `down`; FLEET_RESET=1 `up` starts it empty).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
RUN="${FLEET_RUN_DIR:-$ROOT/.fleet-run}"
SIZE="${FLEET_SIZE:-3}"
BASE="${FLEET_PORT:-5200}"
PAYMENTS="http://127.0.0.1:$((BASE + 90))"
RECOMMENDATIONS="http://127.0.0.1:$((BASE + 91))"
DATABASE="${FLEET_DATABASE:-shop_fleet}"
CONFIGURATION="${FLEET_CONFIGURATION:-Debug}"
case "$CONFIGURATION" in Debug|Release) ;; *) echo "fleet: FLEET_CONFIGURATION must be Debug or Release, not '$CONFIGURATION'" >&2; exit 2 ;; esac
BIN="artifacts/bin/%s/${CONFIGURATION,,}"
PG="host=127.0.0.1 port=5432 user=bulwark dbname=postgres connect_timeout=5"

ready() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

down() {
  [ -f "$RUN/pids" ] || { echo "fleet: nothing to stop (no $RUN/pids)"; return 0; }
  # TERM first: each instance drains (readiness drops, in-flight requests end) and hands its projection leases over.
  while read -r pid name; do
    kill -TERM "$pid" 2>/dev/null && echo "fleet: stopping $name (pid $pid)" || true
  done <"$RUN/pids"
  for _ in $(seq 1 60); do
    alive=0
    while read -r pid _; do kill -0 "$pid" 2>/dev/null && alive=1; done <"$RUN/pids"
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  while read -r pid name; do
    kill -0 "$pid" 2>/dev/null && { echo "fleet: $name (pid $pid) did not stop in 30 s; killing it" >&2; kill -KILL "$pid" || true; }
  done <"$RUN/pids"
  rm -f "$RUN/pids"
  echo "fleet: stopped"
}

status() {
  for i in $(seq 0 $((SIZE - 1))); do
    url="http://127.0.0.1:$((BASE + i))"
    if ready "$url/health/ready"; then echo "shop-$i $url ready"; else echo "shop-$i $url NOT ready"; fi
  done
}

up() {
  if [ -f "$RUN/pids" ]; then echo "fleet: already up ($RUN/pids); run 'down' first" >&2; exit 1; fi
  mkdir -p "$RUN/logs"
  bash .ci/services.sh
  if [ "${FLEET_RESET:-0}" = 1 ]; then
    PGPASSWORD=bulwark psql "$PG" -qc "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)"
  fi
  if [ -z "$(PGPASSWORD=bulwark psql "$PG" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" ]; then
    PGPASSWORD=bulwark psql "$PG" -qc "CREATE DATABASE $DATABASE"
  fi
  # One build first, so the processes below never build the same projects at once.
  for project in shop/Shop.Externals/Shop.Externals.csproj shop/Shop.Host/Shop.Host.csproj; do
    dotnet build "$project" -c "$CONFIGURATION" -p:UseSharedCompilation=false --verbosity quiet --nologo
  done

  : >"$RUN/pids"
  # One pair of stand-ins for the whole fleet (an instance launching its own would tie them to that instance's life).
  setsid dotnet "$(printf "$BIN" Shop.Externals)/Shop.Externals.dll" --payment-url "$PAYMENTS" \
    --recommendations-url "$RECOMMENDATIONS" </dev/null >"$RUN/logs/stand-ins.log" 2>&1 &
  echo "$! stand-ins" >>"$RUN/pids"
  # Every instance gets the same settings but its name and port: this is the whole of "running as a fleet".
  for i in $(seq 0 $((SIZE - 1))); do
    name="shop-$i"
    setsid dotnet "$(printf "$BIN" Shop.Host)/Shop.Host.dll" --contentRoot="$ROOT/shop/Shop.Host" \
      --environment=Development --urls="http://127.0.0.1:$((BASE + i))" \
      --Shop:Data:Path="$RUN/data-$name" \
      --Shop:Data:Provider=Postgres \
      --Shop:Data:ConnectionString="Host=127.0.0.1;Port=5432;Username=bulwark;Password=bulwark;Database=$DATABASE;Application Name=$name" \
      --Shop:Messaging:Transport=RabbitMq \
      --Shop:Messaging:RabbitMq:ConnectionUri=amqp://guest:guest@127.0.0.1:5672/ \
      --Shop:Messaging:RabbitMq:Exchange=shop-fleet \
      --Shop:Messaging:RabbitMq:DeadLetterQueue=shop-fleet.dead-letters \
      --Shop:Messaging:RabbitMq:ClientName="$name" \
      --Shop:Messaging:BlobStore=AzureBlob \
      --Shop:Messaging:AzureBlob:ConnectionString=UseDevelopmentStorage=true \
      --Shop:Messaging:AzureBlob:ContainerName=shop-fleet-claim-checks \
      --Shop:Messaging:AzureBlob:ServiceVersion=V2025_11_05 \
      --Shop:Cache:Redis=127.0.0.1:6379 \
      --Shop:RateLimiting:Redis=127.0.0.1:6379 \
      --Bulwark:Sagas:Sweeper:StartupStaleAfter=00:00:30 \
      --Shop:Externals:Launch=false \
      --Shop:Externals:PaymentProviderUrl="$PAYMENTS" \
      --Shop:Externals:RecommendationsUrl="$RECOMMENDATIONS" \
      "$@" </dev/null >"$RUN/logs/$name.log" 2>&1 &
    echo "$! $name" >>"$RUN/pids"
  done

  for _ in $(seq 1 240); do
    all=1
    for i in $(seq 0 $((SIZE - 1))); do ready "http://127.0.0.1:$((BASE + i))/health/ready" || all=0; done
    if [ "$all" = 1 ]; then
      echo "fleet: $SIZE instances ready on $DATABASE, Redis and RabbitMQ (logs in $RUN/logs):"
      status
      echo "  try: curl -s http://127.0.0.1:$BASE/health/ready; stop with: bash deploy/fleet/fleet.sh down"
      return 0
    fi
    while read -r pid name; do
      kill -0 "$pid" 2>/dev/null || { echo "fleet: $name exited; last lines of its log:" >&2; tail -n 30 "$RUN/logs/$name.log" >&2; down; exit 1; }
    done <"$RUN/pids"
    sleep 0.5
  done
  echo "fleet: not ready after 120 s; see $RUN/logs" >&2
  down
  exit 1
}

command="${1:-}"
shift || true
case "$command" in
  up) up "$@" ;;
  down) down ;;
  status) status ;;
  *) echo "usage: bash deploy/fleet/fleet.sh up [--Setting=value ...] | down | status" >&2; exit 2 ;;
esac
