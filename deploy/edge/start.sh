#!/usr/bin/env bash
# Starts the shop behind its edge, one command:
#   bash deploy/edge/start.sh            # edge :5080 -> shop "blue" :5100 (+ its stand-ins :5101/:5102), legacy shop :5103
#   bash deploy/edge/start.sh green      # also a second shop build "green" on :5110 (its own data dir), for a switch or canary
# Ctrl+C stops everything it started. Operator calls need the Development key: -H 'X-Api-Key: demo-edge-key-change-me'.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

# One build first, so three `dotnet run`s do not build the same projects at once.
dotnet build shop/Shop.Host/Shop.Host.csproj -p:UseSharedCompilation=false --verbosity quiet
dotnet build shop/Shop.Edge/Shop.Edge.csproj -p:UseSharedCompilation=false --verbosity quiet

pids=()
stop() { for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done; wait; }
trap stop EXIT INT TERM

dotnet run --no-build --project shop/Shop.Host & pids+=($!)
dotnet run --no-build --project shop/Shop.Externals -- --apps legacy --legacy-url http://127.0.0.1:5103 & pids+=($!)
edge_args=()
if [[ "${1:-}" == "green" ]]; then
  # Its own port, data and stand-ins: a second process and build, as blue-green wants.
  dotnet run --no-build --project shop/Shop.Host -- --urls=http://127.0.0.1:5110 --Shop:Data:Path="$ROOT/shop/Shop.Host/data-green" \
    --Shop:Externals:PaymentProviderUrl=http://127.0.0.1:5111 --Shop:Externals:RecommendationsUrl=http://127.0.0.1:5112 & pids+=($!)
  edge_args+=(--Edge:Release:Slots:green=http://127.0.0.1:5110)
fi
dotnet run --no-build --project shop/Shop.Edge -- "${edge_args[@]}" & pids+=($!)
wait -n
