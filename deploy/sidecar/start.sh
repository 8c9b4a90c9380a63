#!/usr/bin/env bash
# The shop calling a recommendations engine written in Python through the Bulwark sidecar (docs/sidecar.md):
#   shop :5100 --> sidecar :5123 (deadline, 300 ms timeout, budgeted retry, breaker, metrics, traces) --> Python :5122
#   bash deploy/sidecar/start.sh
# Only configuration changes on the shop's side: Shop:Externals:RecommendationsUrl points at the sidecar, and the shop's
# own retry for it is off so the two retries do not multiply. Break the Python service and watch the sidecar:
#   curl -X PUT localhost:5122/_control/faults -H 'Content-Type: application/json' -d '{"errorRate":1}'
#   curl -s localhost:5123/metrics | grep bulwark_sidecar
# Ctrl+C stops everything it started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

dotnet build shop/Shop.Host/Shop.Host.csproj -p:UseSharedCompilation=false --verbosity quiet
dotnet build shop/Shop.Sidecar/Shop.Sidecar.csproj -p:UseSharedCompilation=false --verbosity quiet

pids=()
stop() { for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done; wait; }
trap stop EXIT INT TERM

python3 shop/recommendations-py/recommendations.py --port 5122 & pids+=($!)
dotnet run --no-build --project shop/Shop.Sidecar & pids+=($!)
# The .NET payment provider still runs as the shop's stand-in; recommendations are the Python engine's, via the sidecar.
dotnet run --no-build --project shop/Shop.Externals -- --apps payment --payment-url http://127.0.0.1:5101 & pids+=($!)
dotnet run --no-build --project shop/Shop.Host -- \
  --Shop:Externals:Launch=false \
  --Shop:Externals:RecommendationsUrl=http://127.0.0.1:5123 \
  --Bulwark:Resilience:Pipelines:recommendations:Retry:MaxRetryAttempts=0 & pids+=($!)
wait -n
