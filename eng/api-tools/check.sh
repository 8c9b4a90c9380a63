#!/usr/bin/env bash
# Checks the shop's API with tools built elsewhere (docs/api.md):
#   1. @redocly/cli lints the committed OpenAPI document (shop/Shop.Host/openapi/shop.json) with redocly.yaml;
#   2. @apideck/portman turns the document into contract tests (status, content type, JSON schema, headers) and
#      variation tests (unauthorised, wrong-typed, out-of-range, oversized, missing), and newman runs them against a
#      real shop started here on a free loopback port, with its own data folder; the shop is stopped afterwards.
# Needs: node + npm (installs eng/api-tools/node_modules from package-lock.json when missing) and a built Shop.Host
# (dotnet build shop/Shop.Host). Bounded: one request per generated case, 10 s per request, 3 minutes in all.
# Ends with "api checks: N passed, N failed" and exits non-zero on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DOCUMENT="$ROOT/shop/Shop.Host/openapi/shop.json"
HOST_DLL="${SHOP_HOST_DLL:-$ROOT/artifacts/bin/Shop.Host/debug/Shop.Host.dll}"
OUT="$HERE/out"
cd "$HERE"
rm -rf "$OUT" && mkdir -p "$OUT"

[ -f "$HOST_DLL" ] || { echo "api checks: $HOST_DLL is missing; run dotnet build shop/Shop.Host first"; echo "api checks: 0 passed, 1 failed"; exit 1; }
if [ ! -d node_modules/@apideck/portman ] || [ ! -d node_modules/@redocly/cli ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

failed=0 passed=0

echo "==> redocly lint"
if npx --no-install redocly lint --config redocly.yaml "$DOCUMENT"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

echo "==> start the shop"
DATA="$(mktemp -d "${TMPDIR:-/tmp}/bulwark-api-check.XXXXXX")"
# Port 0: Kestrel picks a free loopback port and the shop logs it ("Shop ready at ..."). The anonymous tier is widened:
# the run is one anonymous client sending a few hundred requests, and 60 a minute would turn most of them into 429s.
dotnet "$HOST_DLL" --urls=http://127.0.0.1:0 --environment=Development "--Shop:Data:Path=$DATA" \
  --Shop:Externals:Launch=false --Shop:Externals:PaymentProviderUrl=http://127.0.0.1:9 --Shop:Externals:RecommendationsUrl=http://127.0.0.1:9 \
  --Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=100000 --Logging:LogLevel:Default=Warning --Logging:LogLevel:Shop.Host=Information \
  >"$OUT/shop.log" 2>&1 &
SHOP_PID=$!
stop_shop() { kill "$SHOP_PID" 2>/dev/null || true; wait "$SHOP_PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap stop_shop EXIT

BASE=""
for _ in $(seq 1 120); do
  BASE="$(grep -o 'Shop ready at http://127\.0\.0\.1:[0-9]*' "$OUT/shop.log" | head -1 | sed 's/Shop ready at //')" || true
  [ -n "$BASE" ] && break
  kill -0 "$SHOP_PID" 2>/dev/null || break
  sleep 1
done
if [ -z "$BASE" ]; then
  echo "the shop did not start; last lines of its log:"; tail -n 30 "$OUT/shop.log"
  echo "api checks: $passed passed, $((failed + 1)) failed"; exit 1
fi
echo "shop at $BASE"

echo "==> portman + newman (contract and variation tests)"
export PORTMAN_ADMIN_KEY="demo-admin-key-change-me"
export PORTMAN_CUSTOMER_EMAIL="contract-$(date +%s)-$$@example.com"
export PORTMAN_CUSTOMER_PASSWORD="Contract-tests-$$-password"
export PORTMAN_OVERSIZED="$(head -c 400 /dev/zero | tr '\0' 'x')"
if timeout 180 npx --no-install portman --local "$DOCUMENT" --baseUrl "$BASE" --portmanConfigFile portman-config.json \
    --postmanConfigFile postman-config.json --output "$OUT/shop.postman.json" --runNewman \
    --newmanOptionsFile newman-options.json --syncPostman false --no-warn >"$OUT/newman.log" 2>&1; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi
# The newman table and any failures, without the per-request noise.
sed -n '/┌/,$p' "$OUT/newman.log"

echo "api checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
