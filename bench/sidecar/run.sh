#!/usr/bin/env bash
# Sidecar vs sidecarless, measured (Codex 09 and 32; results and how to read them: docs/benchmarks/sidecar.md).
# The same Bulwark policies (300 ms deadline, one budgeted retry, breaker, bulkhead) paid three ways, side by side in
# one run, against one fast upstream, at a fixed rate:
#   direct       the driver calls the upstream with a plain HttpClient (the baseline)
#   in-process   the driver calls it through the Bulwark pipeline in its own process (the library)
#   sidecar      through a Bulwark sidecar serving one service (shop/Shop.Sidecar, shipped settings)
#   node-proxy   through one Bulwark proxy shared by four services (the same binary, four upstreams, load spread)
#
#   bash bench/sidecar/run.sh              # build Release, run everything (about 4 minutes)
#   bash bench/sidecar/run.sh --no-build
# Environment: RATE (req/s, default 1000), SECONDS_PER_RUN (default 20), WARMUP (default 5), ROUNDS (default 2).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rate="${RATE:-1000}"; seconds="${SECONDS_PER_RUN:-20}"; warmup="${WARMUP:-5}"; rounds="${ROUNDS:-2}"
work="$(mktemp -d "${TMPDIR:-/tmp}/bulwark-sidecar-bench.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [[ "${1:-}" != "--no-build" ]]; then
  dotnet build "$repo/shop/Shop.Sidecar/Shop.Sidecar.csproj" -c Release -p:UseSharedCompilation=false -v quiet -nologo
  dotnet build "$repo/bench/sidecar/Bulwark.Sidecar.Load/Bulwark.Sidecar.Load.csproj" -c Release -p:UseSharedCompilation=false -v quiet -nologo
fi

sidecar_dll="$repo/artifacts/bin/Shop.Sidecar/release/Shop.Sidecar.dll"
load_dll="$repo/artifacts/bin/Bulwark.Sidecar.Load/release/Bulwark.Sidecar.Load.dll"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_live() {
  for _ in $(seq 1 120); do curl -sf -o /dev/null "$1" && return 0; sleep 0.5; done
  echo "nothing answered on $1" >&2; exit 1
}
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

upstream="http://127.0.0.1:$(free_port)"; sidecar="http://127.0.0.1:$(free_port)"; node="http://127.0.0.1:$(free_port)"
quiet=(--Logging:LogLevel:Default=Warning)

dotnet "$load_dll" upstream --urls "$upstream" > "$work/upstream.log" 2>&1 &
pids+=($!)
dotnet "$sidecar_dll" --urls="$sidecar" "${quiet[@]}" \
  --Bulwark:Sidecar:Upstreams:recommendations:Address="$upstream" > "$work/sidecar.log" 2>&1 &
pids+=($!); sidecar_pid=$!
dotnet "$sidecar_dll" --urls="$node" "${quiet[@]}" --sidecar-config="$repo/bench/sidecar/node-proxy.json" \
  --Bulwark:Sidecar:Upstreams:recommendations:Address="$upstream" \
  --Bulwark:Sidecar:Upstreams:reviews:Address="$upstream" \
  --Bulwark:Sidecar:Upstreams:search:Address="$upstream" \
  --Bulwark:Sidecar:Upstreams:ratings:Address="$upstream" > "$work/node.log" 2>&1 &
pids+=($!); node_pid=$!

wait_live "$upstream/recommendations/5"; wait_live "$sidecar/health/live"; wait_live "$node/health/live"
# Started and called a few times, no load yet: what each proxy costs just by existing. (A cold first call can exceed the
# 300 ms budget on a busy machine and answer 504; that is the policy working, not a failed start.)
for _ in 1 2 3; do curl -s -o /dev/null "$sidecar/recommendations/5" || true; curl -s -o /dev/null "$node/reviews/5" || true; done
echo "{\"idle\":{\"sidecarRssMb\":$(rss_mb "$sidecar_pid"),\"nodeProxyRssMb\":$(rss_mb "$node_pid")}}"

drive() { dotnet "$load_dll" drive --rate "$rate" --seconds "$seconds" --warmup "$warmup" "$@"; }
node_paths="/recommendations/5,/reviews/5,/search/5,/ratings/5"
for round in $(seq 1 "$rounds"); do
  echo "{\"round\":$round,\"run\":\"direct\",\"result\":$(drive --target "$upstream" --paths "$node_paths")}"
  echo "{\"round\":$round,\"run\":\"in-process\",\"result\":$(drive --target "$upstream" --paths "$node_paths" --pipeline recommendations \
    --config "$repo/artifacts/bin/Shop.Sidecar/release/appsettings.json")}"
  echo "{\"round\":$round,\"run\":\"sidecar\",\"result\":$(drive --target "$sidecar" --paths /recommendations/5 --watch "$sidecar_pid")}"
  echo "{\"round\":$round,\"run\":\"node-proxy\",\"result\":$(drive --target "$node" --paths "$node_paths" --watch "$node_pid")}"
done

echo "{\"machine\":\"$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\",\"uptime\":\"$(uptime)\",\"date\":\"$(date -u +%FT%TZ)\"}"
