#!/usr/bin/env bash
# Builds an immutable release of the shop: bulwark release build (docs/releases.md).
#   eng/release/build.sh OUTPUT_FOLDER [--commit SHA] [--project PATH]
# Prints the release id; the folder holds the published shop and release.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
[ $# -ge 1 ] || { echo "usage: eng/release/build.sh OUTPUT_FOLDER [--commit SHA] [--project PATH]" >&2; exit 2; }
out="$1"; shift
export MSBUILDDISABLENODEREUSE=1
dotnet build src/Bulwark.Cli/Bulwark.Cli.csproj -c Release -v q --nologo -p:UseSharedCompilation=false >/dev/null
exec dotnet artifacts/bin/Bulwark.Cli/release/bulwark.dll release build --output "$out" "$@"
