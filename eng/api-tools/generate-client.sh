#!/usr/bin/env bash
# Generates the typed shop client from the committed OpenAPI document (docs/api.md, "The typed client"). The build does
# this by itself: src/Bulwark.ShopClient runs Kiota (pinned in .config/dotnet-tools.json) into its obj/ folder whenever
# shop/Shop.Host/openapi/shop.json changed, so nothing generated is committed. This script only builds that project, for
# a look at the generated code (printed path) without building anything else.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dotnet build "$ROOT/src/Bulwark.ShopClient/Bulwark.ShopClient.csproj" -p:UseSharedCompilation=false --verbosity quiet
OUT="$ROOT/artifacts/obj/Bulwark.ShopClient/debug/ShopClient"
echo "generated $(find "$OUT" -name '*.cs' | wc -l) files into ${OUT#"$ROOT"/} from shop/Shop.Host/openapi/shop.json"
