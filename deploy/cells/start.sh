#!/usr/bin/env bash
# Starts the shop as cells behind its edge, one command (docs/cells.md):
#   bash deploy/cells/start.sh     # edge :5180 -> cell-a :5200 and cell-b :5210, each a full shop with its own data
#                                  # directory and its own stand-ins (:5201/:5202, :5211/:5212)
# CELLS=3 adds cell-c :5220 (up to 4). PORT_BASE=18200 moves every port (edge = PORT_BASE - 20).
# A cell whose process dies is started again after CELL_RESTART_AFTER seconds (30), the way a supervisor would: the
# edge's probes let it back in once it answers ready. Its pid is in .edge-run/cells/<cell>.pid (the
# cell-blast-radius drill kills that process). Ctrl+C stops everything it started.
# Operator calls need the Development key: -H 'X-Api-Key: demo-edge-key-change-me' (or BULWARK_EDGE_KEY for `bulwark edge`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
BASE="${PORT_BASE:-5200}"
COUNT="${CELLS:-2}"
RESTART_AFTER="${CELL_RESTART_AFTER:-30}"
EDGE="http://127.0.0.1:$((BASE - 20))"
RUN="${EDGE_RUN_DIR:-$ROOT/.edge-run}/cells"
mkdir -p "$RUN"
export DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development
if (( COUNT < 2 || COUNT > 4 )); then echo "CELLS is 2 to 4" >&2; exit 2; fi

# One build first, so the processes below do not build the same projects at once.
for project in shop/Shop.Host/Shop.Host.csproj shop/Shop.Edge/Shop.Edge.csproj; do
  dotnet build "$project" -p:UseSharedCompilation=false --verbosity quiet --nologo
done

pids=()
stopping=0
stop() {
  trap - EXIT INT TERM
  stopping=1
  # The supervisors first (so nothing restarts), then the cells and the edge. TERM, not INT: background jobs ignore SIGINT.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for file in "$RUN"/*.pid; do [[ -f "$file" ]] && kill -TERM "$(cat "$file")" 2>/dev/null || true; rm -f "$file"; done
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM

# One cell: a full shop (its own port, data directory and stand-ins), restarted when its process dies.
cell() { # name port
  local name=$1 port=$2
  (
    trap 'exit 0' TERM
    while true; do
      dotnet "artifacts/bin/Shop.Host/debug/Shop.Host.dll" --contentRoot="$ROOT/shop/Shop.Host" --urls="http://127.0.0.1:$port" \
        --Shop:Data:Path="$RUN/data-$name" --Shop:Externals:PaymentProviderUrl="http://127.0.0.1:$((port + 1))" \
        --Shop:Externals:RecommendationsUrl="http://127.0.0.1:$((port + 2))" \
        --Shop:ForwardedHeaders:KnownProxies:0=127.0.0.1 >>"$RUN/$name.log" 2>&1 &
      echo $! >"$RUN/$name.pid"
      wait $! || true
      echo "$(date -u +%T) $name stopped; starting it again in ${RESTART_AFTER}s" >>"$RUN/$name.log"
      sleep "$RESTART_AFTER"
    done
  ) &
  pids+=($!)
}

names=(cell-a cell-b cell-c cell-d)
edge_args=(--Edge:Cells:TablePath="$RUN/cells.db" --Edge:Cells:GlobalPaths:0=/api/users
  --Edge:Cells:Move:ShopAdminKey=demo-admin-key-change-me --Edge:Cells:Move:Parts:0=wallets --Edge:Cells:Move:Parts:1=orders
  --Edge:Backends:shop="http://127.0.0.1:$BASE" --Edge:Backends:legacy="http://127.0.0.1:$((BASE + 3))")
for i in $(seq 0 $((COUNT - 1))); do
  port=$((BASE + 10 * i))
  cell "${names[$i]}" "$port"
  edge_args+=(--Edge:Cells:Cells:"${names[$i]}":Url="http://127.0.0.1:$port")
done
dotnet artifacts/bin/Shop.Edge/debug/Shop.Edge.dll --contentRoot="$ROOT/shop/Shop.Edge" --urls="$EDGE" "${edge_args[@]}" >"$RUN/edge.log" 2>&1 & pids+=($!)
edge_pid=$!

ready() { curl -fsS -o /dev/null "$1" 2>/dev/null; }
for _ in $(seq 1 240); do
  all=1
  for i in $(seq 0 $((COUNT - 1))); do ready "http://127.0.0.1:$((BASE + 10 * i))/health/ready" || all=0; done
  if (( all )) && ready "$EDGE/health/ready"; then
    echo "Shop cells ready behind the edge at $EDGE (logs, pids, data and the cell table in $RUN). Try:"
    echo "  curl -s -i -H 'X-Customer-Id: ada' $EDGE/api/products/1 | grep -i x-cell"
    echo "  curl -s -H 'X-Api-Key: demo-edge-key-change-me' $EDGE/edge/cells"
    echo "  dotnet run --project src/Bulwark.Cli -- drill run cell-blast-radius --target $EDGE --api-key demo-edge-key-change-me"
    wait "$edge_pid"
    echo "The edge stopped; see $RUN/edge.log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "Not ready after 120 s; see $RUN/*.log" >&2
tail -n 20 "$RUN"/*.log >&2
exit 1
