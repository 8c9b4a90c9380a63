#!/usr/bin/env bash
# Starts the shop behind its edge, one command (docs/edge.md):
#   bash deploy/edge/start.sh           # edge :5080 -> shop "blue" :5100 (its stand-ins :5101/:5102), legacy shop :5103
#   bash deploy/edge/start.sh green     # plus shop "green" :5110 (own data, own stand-ins :5111/:5112) and the
#                                       # drills' "unfit" slot :5119 (nothing listens: its smoke gate must fail)
# PORT_BASE=18100 moves every port (edge = PORT_BASE-20). GREEN_ARGS="--Key=value ..." configures green only, e.g. a
# bad build for the Blast Radius drill: GREEN_ARGS=--Bulwark:Resilience:Pipelines:payments:Retry:MaxRetryAttempts=0
# Ctrl+C stops everything it started.
# Operator calls need the Development key: -H 'X-Api-Key: demo-edge-key-change-me' (or BULWARK_EDGE_KEY for `bulwark edge`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
BASE="${PORT_BASE:-5100}"
EDGE="http://127.0.0.1:$((BASE - 20))"
RUN="${EDGE_RUN_DIR:-$ROOT/.edge-run}"
mkdir -p "$RUN"
export DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development

# One build first, so the processes below do not build the same projects at once.
for project in shop/Shop.Externals/Shop.Externals.csproj shop/Shop.Host/Shop.Host.csproj shop/Shop.Edge/Shop.Edge.csproj; do
  dotnet build "$project" -p:UseSharedCompilation=false --verbosity quiet --nologo
done

pids=()
stop() {
  trap - EXIT INT TERM
  # TERM, not INT: a script's background jobs ignore SIGINT.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

# Run the built apps directly: `dotnet run` would also apply each project's launch profile (its own URLs).
shop() { # name port data-dir [settings...]
  local name=$1 port=$2 data=$3
  shift 3
  dotnet "artifacts/bin/Shop.Host/debug/Shop.Host.dll" --contentRoot="$ROOT/shop/Shop.Host" --urls="http://127.0.0.1:$port" \
    --Shop:Data:Path="$data" --Shop:Externals:PaymentProviderUrl="http://127.0.0.1:$((port + 1))" \
    --Shop:Externals:RecommendationsUrl="http://127.0.0.1:$((port + 2))" \
    --Shop:ForwardedHeaders:KnownProxies:0=127.0.0.1 "$@" >"$RUN/$name.log" 2>&1 &
  pids+=($!)
}

shop blue "$BASE" "$RUN/data-blue"
dotnet artifacts/bin/Shop.Externals/debug/Shop.Externals.dll --apps legacy --legacy-url "http://127.0.0.1:$((BASE + 3))" >"$RUN/legacy.log" 2>&1 & pids+=($!)
edge_args=(--Edge:Backends:legacy="http://127.0.0.1:$((BASE + 3))" --Edge:Backends:shop="http://127.0.0.1:$BASE"
  --Edge:Backends:recommendations="http://127.0.0.1:$((BASE + 2))"
  --Edge:Release:Slots:blue="http://127.0.0.1:$BASE" --Edge:Release:StatePath="$RUN/release-state.json")
if [[ "${1:-}" == "green" ]]; then
  # Its own port, data and stand-ins: a second process, as blue-green wants.
  # shellcheck disable=SC2086 # GREEN_ARGS is a list of settings
  shop green "$((BASE + 10))" "$RUN/data-green" ${GREEN_ARGS:-}
  edge_args+=(--Edge:Release:Slots:green="http://127.0.0.1:$((BASE + 10))" --Edge:Release:Slots:unfit="http://127.0.0.1:$((BASE + 19))")
fi
dotnet artifacts/bin/Shop.Edge/debug/Shop.Edge.dll --contentRoot="$ROOT/shop/Shop.Edge" --urls="$EDGE" "${edge_args[@]}" >"$RUN/edge.log" 2>&1 & pids+=($!)

ready() { curl -fsS -o /dev/null "$1" 2>/dev/null; }
for _ in $(seq 1 240); do
  if ready "$EDGE/health/ready" && ready "$EDGE/api/products/1"; then
    if [[ "${1:-}" != "green" ]] || ready "http://127.0.0.1:$((BASE + 10))/health/ready"; then
      echo "Shop ready behind the edge at $EDGE (logs in $RUN). Try:"
      echo "  curl -s $EDGE/api/products/1 -i | grep -i x-release-slot"
      echo "  BULWARK_EDGE_KEY=demo-edge-key-change-me dotnet run --project src/Bulwark.Cli -- edge status --edge $EDGE"
      wait -n
      echo "A process stopped; see $RUN/*.log" >&2
      exit 1
    fi
  fi
  sleep 0.5
done
echo "Not ready after 120 s; see $RUN/*.log" >&2
tail -n 20 "$RUN"/*.log >&2
exit 1
