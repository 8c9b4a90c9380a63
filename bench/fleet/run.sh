#!/usr/bin/env bash
# Orders per second and p99 for one shop instance and for three on the same PostgreSQL, Redis and RabbitMQ
# (docs/benchmarks/scale-out.md). Each size runs on a fresh database through deploy/fleet/fleet.sh; one wrk per
# instance (no balancer in between, so the balancer's own cost is not measured), side by side, then summed.
#   bash bench/fleet/run.sh            # SIZES="1 3" DURATION=20 WARMUP=60 CONNECTIONS=8 (per instance)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SIZES="${SIZES:-1 3}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-60}"
CONNECTIONS="${CONNECTIONS:-8}"
BASE="${FLEET_PORT:-5300}"
export FLEET_CONFIGURATION="${FLEET_CONFIGURATION:-Release}" FLEET_PORT="$BASE" FLEET_DATABASE=shop_bench_fleet FLEET_RESET=1 FLEET_RUN_DIR="$ROOT/.fleet-bench"
# The customer tier as shipped allows 1,000 orders a minute per customer, and the idempotency store 1,000 live keys per
# caller (24 h each): the rate lifted and the key cap switched off (0) so the shop, not the limits, is measured (one
# customer places every order). Lifting the cap to a large number instead would count every live key of the one
# customer on each order (a cost that grows through the run; as shipped the count stops mattering at 1,000).
LIMITS=(--Bulwark:RateLimiting:Tiers:authenticated:PermitLimit=100000000 --Bulwark:RateLimiting:Tiers:authenticated:Window=00:00:01
  --Bulwark:Idempotency:MaxLiveKeysPerCaller=0 --Logging:LogLevel:Default=Warning)

echo "uptime: $(uptime)"
echo "build: $FLEET_CONFIGURATION; cores: $(nproc); $(dotnet --version)"
for size in $SIZES; do
  FLEET_SIZE="$size" bash deploy/fleet/fleet.sh up "${LIMITS[@]}" >/dev/null
  base="http://127.0.0.1:$BASE"
  email="bench-$(date +%s%N)@example.com"
  curl -fsS -H 'X-Api-Key: drill-load' -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"displayName\":\"Bench\",\"password\":\"correct-horse-battery-staple\"}" "$base/api/users" >/dev/null
  token="$(curl -fsS -H 'X-Api-Key: drill-load' -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"correct-horse-battery-staple\"}" "$base/api/users/sign-in" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')"
  for phase in warmup measure; do
    seconds=$([ "$phase" = warmup ] && echo "$WARMUP" || echo "$DURATION")
    pids=()
    for i in $(seq 0 $((size - 1))); do
      TOKEN="$token" PREFIX="$phase-$size-$i" wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --timeout 10s -s bench/fleet/orders.lua \
        "http://127.0.0.1:$((BASE + i))" >"$FLEET_RUN_DIR/wrk-$size-$i.txt" 2>&1 &
      pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
  done
  total=0
  for i in $(seq 0 $((size - 1))); do
    line="$(grep '^orders_per_s=' "$FLEET_RUN_DIR/wrk-$size-$i.txt")"
    echo "instances=$size instance=$i $line"
    total="$(awk -v a="$total" -v b="$(sed -E 's/orders_per_s=([0-9.]+).*/\1/' <<<"$line")" 'BEGIN { printf "%.1f", a + b }')"
  done
  echo "instances=$size total_per_s=$total"
  bash deploy/fleet/fleet.sh down >/dev/null
done
echo "uptime: $(uptime)"
