#!/usr/bin/env bash
# The HTTP tax: the shop's full pipeline against a bare ASP.NET Core app serving the same JSON, with wrk, back to back
# on this machine in one run. Results and how to read them: docs/benchmarks/http.md.
#
#   bash bench/http/run.sh              # build Release, run everything (about 4 minutes)
#   bash bench/http/run.sh --no-build   # reuse the last Release build
#
# Environment: DURATION (seconds per measured run, default 6), WARMUP (seconds per endpoint, default 10),
# SHOP_ARGS (extra arguments for the shop, e.g. settings a newer shop needs to start outside Development).
#
# The shop runs as shipped (Production environment, appsettings.json, stand-ins launched beside it), with one
# addition: a "bench" rate-limit tier (a token bucket of 100,000,000 a second) and the key bench-key in it, sent by
# wrk as X-Api-Key. Every /api request still passes the rate limiter; it just never refuses. The stand-ins, the bare
# app and the shop each bind their own free loopback port.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
duration="${DURATION:-6}"
warmup="${WARMUP:-10}"
work="$(mktemp -d "${TMPDIR:-/tmp}/bulwark-http-bench.XXXXXX")"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get update && apt-get install -y wrk" >&2; exit 1; }

if [[ "${1:-}" != "--no-build" ]]; then
  dotnet build "$repo/shop/Shop.Host/Shop.Host.csproj" -c Release -p:UseSharedCompilation=false -v quiet -nologo
  dotnet build "$repo/bench/http/Bulwark.Http.BareApp/Bulwark.Http.BareApp.csproj" -c Release -p:UseSharedCompilation=false -v quiet -nologo
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_live() {
  for _ in $(seq 1 120); do curl -sf "$1/health/live" >/dev/null && return 0; sleep 0.5; done
  echo "nothing answered on $1/health/live" >&2; exit 1
}

shop_port=$(free_port); payments_port=$(free_port); recommendations_port=$(free_port); bare_port=$(free_port)
shop="http://127.0.0.1:$shop_port"; bare="http://127.0.0.1:$bare_port"
# Outside Development /metrics is served only on the management port (docs/security.md).
management="http://127.0.0.1:$(free_port)"

# shellcheck disable=SC2086
dotnet "$repo/artifacts/bin/Shop.Host/release/Shop.Host.dll" \
  --urls="$shop" --Shop:Data:Path="$work/data" \
  --Shop:Externals:PaymentProviderUrl="http://127.0.0.1:$payments_port" \
  --Shop:Externals:RecommendationsUrl="http://127.0.0.1:$recommendations_port" \
  --Bulwark:RateLimiting:Tiers:bench:Algorithm=TokenBucket \
  --Bulwark:RateLimiting:Tiers:bench:PermitLimit=100000000 \
  --Bulwark:RateLimiting:Tiers:bench:Window=00:00:01 \
  --Bulwark:RateLimiting:ApiKeys:bench-key=bench \
  --Shop:Auth:SigningKey="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  --Bulwark:DataProducts:PseudonymKey="$(head -c 32 /dev/urandom | base64)" \
  --Shop:Management:Url="$management" \
  ${SHOP_ARGS:-} > "$work/shop.log" 2>&1 &
pids+=($!); shop_pid=$!
wait_live "$shop"

curl -sf -H 'X-Api-Key: bench-key' "$shop/api/products/1" > "$work/product.json"
curl -sf -H 'X-Api-Key: bench-key' "$shop/api/products" > "$work/list.json"
dotnet "$repo/artifacts/bin/Bulwark.Http.BareApp/release/Bulwark.Http.BareApp.dll" \
  --urls "$bare" --product "$work/product.json" --list "$work/list.json" > "$work/bare.log" 2>&1 &
pids+=($!); bare_pid=$!
wait_live "$bare"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# run PID URL CONNECTIONS SECONDS -> "req/s p99 cpu_us_per_request requests errors"
run() {
  local pid=$1 url=$2 c=$3 d=$4 threads=2 before after out
  (( c < 2 )) && threads=1
  before=$(cpu_ticks "$pid")
  out=$(wrk -t"$threads" -c"$c" -d"${d}s" --latency -H 'X-Api-Key: bench-key' "$url")
  after=$(cpu_ticks "$pid")
  awk -v before="$before" -v after="$after" -v hz="$(getconf CLK_TCK)" '
    /Requests\/sec/ { rps = $2 }
    /requests in/ { n = $1 }
    /^ +99%/ { p99 = $2 }
    /Non-2xx|Socket errors/ { errors = errors $0 " " }
    END { printf "%s %s %.1f %d %s\n", rps, p99, (after - before) * 1e6 / hz / (n > 0 ? n : 1), n, (errors == "" ? "-" : "!") }' <<< "$out"
}
degraded_parts() {
  curl -sf "$management/metrics" | awk '/^bulwark_degradation_degraded_parts_total/ { sum += $NF } END { print sum + 0 }'
}

echo "machine: $(nproc) cores; $(uptime)"
echo "warming up ($warmup s per endpoint)..."
for path in /api/products/1 /api/products /health/live /api/products/1/page; do
  run "$shop_pid" "$shop$path" 32 "$warmup" > /dev/null
  [[ "$path" == */page ]] || run "$bare_pid" "$bare$path" 32 $(( warmup / 2 )) > /dev/null
done

printf '\n%-22s %5s %10s %10s %6s %9s %9s %9s %9s\n' endpoint conns shop_rps bare_rps ratio shop_p99 bare_p99 shop_cpu bare_cpu
for path in /api/products/1 /api/products /health/live; do
  for c in 1 32; do
    read -r s_rps s_p99 s_cpu _ s_err < <(run "$shop_pid" "$shop$path" "$c" "$duration")
    read -r b_rps b_p99 b_cpu _ b_err < <(run "$bare_pid" "$bare$path" "$c" "$duration")
    printf '%-22s %5s %10s %10s %6s %9s %9s %7sus %7sus %s\n' "$path" "$c" "$s_rps" "$b_rps" \
      "$(awk -v s="$s_rps" -v b="$b_rps" 'BEGIN { printf "%.2f", s / b }')" "$s_p99" "$b_p99" "$s_cpu" "$b_cpu" \
      "$([[ "$s_err$b_err" == "--" ]] || echo '(non-2xx or socket errors!)')"
  done
done

echo
printf '%-22s %5s %10s %9s %9s %9s %s\n' page conns shop_rps shop_p99 shop_cpu requests degraded_parts
declare -A page_rps
for c in 1 32; do
  before=$(degraded_parts)
  read -r p_rps p_p99 p_cpu p_n p_err < <(run "$shop_pid" "$shop/api/products/1/page" "$c" "$duration")
  after=$(degraded_parts)
  page_rps[$c]=$p_rps
  printf '%-22s %5s %10s %9s %7sus %9s %s %s\n' /api/products/1/page "$c" "$p_rps" "$p_p99" "$p_cpu" "$p_n" \
    "$(awk -v a="$after" -v b="$before" 'BEGIN { print a - b }')" "$([[ "$p_err" == "-" ]] || echo '(non-2xx or socket errors!)')"
done
echo "page at 32 connections / page at 1: $(awk -v a="${page_rps[32]}" -v b="${page_rps[1]}" 'BEGIN { printf "%.2f", a / b }')"
echo
echo "shop log: $(wc -c < "$work/shop.log") bytes, $(wc -l < "$work/shop.log") lines over the whole run"
echo "machine: $(uptime)"
