#!/usr/bin/env bash
# The edge's tax: the shop direct vs bare YARP in front of it vs the edge (routing, stickiness, analysis on) in front
# of it, with wrk, interleaved in one run on this machine. Results and how to read them: docs/benchmarks/edge.md.
#
#   bash bench/edge/run.sh              # build Release, run everything
#   bash bench/edge/run.sh --no-build   # reuse the last Release build
#
# Environment: DURATION (seconds per measured run, default 6), WARMUP (seconds per target, default 8), ROUNDS
# (interleaved rounds, default 2).
#
# The shop runs as bench/http/run.sh runs it (Production, a "bench" rate-limit tier wrk's key lands in). The edge runs
# in Production with two slots on that shop (so every request is hashed for the canary), a canary started at its first
# step (every request measured for the analysis) and the same bench tier in its own limiter; wrk sends one customer id.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
duration="${DURATION:-6}"
warmup="${WARMUP:-8}"
rounds="${ROUNDS:-2}"
work="$(mktemp -d "${TMPDIR:-/tmp}/bulwark-edge-bench.XXXXXX")"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get update && apt-get install -y wrk" >&2; exit 1; }

if [[ "${1:-}" != "--no-build" ]]; then
  for project in shop/Shop.Host/Shop.Host.csproj shop/Shop.Edge/Shop.Edge.csproj bench/edge/Bulwark.Edge.BareYarp/Bulwark.Edge.BareYarp.csproj; do
    dotnet build "$repo/$project" -c Release -p:UseSharedCompilation=false -v quiet -nologo
  done
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_live() {
  for _ in $(seq 1 120); do curl -sf "$1/health/live" >/dev/null && return 0; sleep 0.5; done
  echo "nothing answered on $1/health/live" >&2; exit 1
}
bench_tier=(--Bulwark:RateLimiting:Tiers:bench:Algorithm=TokenBucket --Bulwark:RateLimiting:Tiers:bench:PermitLimit=100000000
  --Bulwark:RateLimiting:Tiers:bench:Window=00:00:01 --Bulwark:RateLimiting:ApiKeys:bench-key=bench)

shop="http://127.0.0.1:$(free_port)"; yarp="http://127.0.0.1:$(free_port)"; edge="http://127.0.0.1:$(free_port)"
dotnet "$repo/artifacts/bin/Shop.Host/release/Shop.Host.dll" --contentRoot="$repo/shop/Shop.Host" \
  --urls="$shop" --Shop:Data:Path="$work/data" \
  --Shop:Externals:PaymentProviderUrl="http://127.0.0.1:$(free_port)" \
  --Shop:Externals:RecommendationsUrl="http://127.0.0.1:$(free_port)" \
  "${bench_tier[@]}" --Shop:ForwardedHeaders:KnownProxies:0=127.0.0.1 \
  --Shop:Auth:SigningKey="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  --Bulwark:DataProducts:PseudonymKey="$(head -c 32 /dev/urandom | base64)" \
  --Shop:Management:Url="http://127.0.0.1:$(free_port)" > "$work/shop.log" 2>&1 &
pids+=($!); shop_pid=$!
wait_live "$shop"

dotnet "$repo/artifacts/bin/Bulwark.Edge.BareYarp/release/Bulwark.Edge.BareYarp.dll" --urls="$yarp" --backend="$shop" > "$work/yarp.log" 2>&1 &
pids+=($!); yarp_pid=$!
operator="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
dotnet "$repo/artifacts/bin/Shop.Edge/release/Shop.Edge.dll" --contentRoot="$repo/shop/Shop.Edge" --environment=Production --urls="$edge" \
  --Edge:Operator:ApiKeys:0="$operator" --Edge:Backends:shop="$shop" \
  --Edge:Release:Slots:blue="$shop" --Edge:Release:Slots:green="$shop" --Edge:Release:Live=blue \
  --Edge:Release:Smoke:Paths:0=/health/live "${bench_tier[@]}" > "$work/edge.log" 2>&1 &
pids+=($!); edge_pid=$!
wait_live "$yarp"
wait_live "$edge"
curl -sf -X POST -H "X-Api-Key: $operator" -H 'content-type: application/json' -d '{"slot":"green"}' "$edge/edge/release/canary" > /dev/null

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# run PROXY_PID URL CONNECTIONS SECONDS -> "req/s p50 p99 proxy_cpu_us_per_request shop_cpu_us_per_request errors"
run() {
  local pid=$1 url=$2 c=$3 d=$4 threads=2 before after shop_before shop_after out
  (( c < 2 )) && threads=1
  before=$(cpu_ticks "$pid"); shop_before=$(cpu_ticks "$shop_pid")
  out=$(wrk -t"$threads" -c"$c" -d"${d}s" --latency -H 'X-Api-Key: bench-key' -H 'X-Customer-Id: bench-customer' "$url")
  after=$(cpu_ticks "$pid"); shop_after=$(cpu_ticks "$shop_pid")
  awk -v before="$before" -v after="$after" -v sb="$shop_before" -v sa="$shop_after" -v hz="$(getconf CLK_TCK)" '
    /Requests\/sec/ { rps = $2 }
    /requests in/ { n = $1 }
    /^ +50%/ { p50 = $2 }
    /^ +99%/ { p99 = $2 }
    /Non-2xx|Socket errors/ { errors = errors $0 " " }
    END { n = (n > 0 ? n : 1); printf "%s %s %s %.1f %.1f %s\n", rps, p50, p99, (after - before) * 1e6 / hz / n, (sa - sb) * 1e6 / hz / n, (errors == "" ? "-" : "!") }' <<< "$out"
}

echo "machine: $(nproc) cores; $(uptime)"
path=/api/products/1
echo "warming up ($warmup s per target)..."
for target in "$shop_pid $shop" "$yarp_pid $yarp" "$edge_pid $edge"; do
  read -r pid url <<< "$target"
  run "$pid" "$url$path" 32 "$warmup" > /dev/null
done

printf '\n%-6s %5s %-6s %10s %9s %9s %10s %9s\n' round conns target req_s p50 p99 proxy_cpu shop_cpu
for round in $(seq 1 "$rounds"); do
  for c in 1 32; do
    for target in "direct $shop_pid $shop" "yarp $yarp_pid $yarp" "edge $edge_pid $edge"; do
      read -r name pid url <<< "$target"
      read -r rps p50 p99 cpu shop_cpu err < <(run "$pid" "$url$path" "$c" "$duration")
      [[ "$name" == direct ]] && cpu=-
      printf '%-6s %5s %-6s %10s %9s %9s %8sus %7sus %s\n' "$round" "$c" "$name" "$rps" "$p50" "$p99" "$cpu" "$shop_cpu" \
        "$([[ "$err" == "-" ]] || echo '(non-2xx or socket errors!)')"
    done
  done
done
echo
echo "edge release state: $(curl -sf -H "X-Api-Key: $operator" "$edge/edge/release" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["state"], {k: v["requests"] for k, v in d["rollout"].items()})')"
echo "machine: $(uptime)"
