#!/usr/bin/env bash
# Regenerates the typed shop client (src/Bulwark.ShopClient/Generated) from the committed OpenAPI document with Kiota
# (docs/api.md, "The typed client"). Run it after the document changes (rebuilding shop/Shop.Host rewrites
# shop/Shop.Host/openapi/shop.json) and commit the result: ShopClientFreshnessTests fails while the recorded hash of
# the document differs from the committed one.
# Needs: the .NET SDK; installs Kiota (pinned below) into eng/api-tools/.tools on first run.
set -euo pipefail

KIOTA_VERSION=1.38.0
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DOCUMENT="$ROOT/shop/Shop.Host/openapi/shop.json"
OUT="$ROOT/src/Bulwark.ShopClient/Generated"
TOOLS="$HERE/.tools"

if ! "$TOOLS/kiota" --version 2>/dev/null | grep -q "^$KIOTA_VERSION"; then
  dotnet tool update --tool-path "$TOOLS" Microsoft.OpenApi.Kiota --version "$KIOTA_VERSION" >/dev/null
fi

# No update check (it calls out to the internet) and no telemetry; the lock file is not kept (it records absolute
# paths); the document's hash is, so a test can tell a stale client.
export KIOTA_OFFLINE_ENABLED=true KIOTA_TUTORIAL_ENABLED=false DOTNET_CLI_TELEMETRY_OPTOUT=1
rm -rf "$OUT"
"$TOOLS/kiota" generate --language CSharp --openapi "$DOCUMENT" --output "$OUT" \
  --class-name ShopApiClient --namespace-name Bulwark.ShopClient.Generated \
  --exclude-backward-compatible --clean-output --log-level Warning
rm -f "$OUT/kiota-lock.json"
sha256sum "$DOCUMENT" | cut -d' ' -f1 >"$OUT/shop.json.sha256"
echo "generated $(find "$OUT" -name '*.cs' | wc -l) files into ${OUT#"$ROOT"/} from ${DOCUMENT#"$ROOT"/}"
