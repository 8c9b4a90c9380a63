#!/usr/bin/env bash
# Starts the CDN stand-in, Varnish from Debian packages, in front of an origin (docs/static-content.md):
#   bash deploy/cdn/start.sh                       # :5090 -> the shop at 127.0.0.1:5100
#   ORIGIN=127.0.0.1:5080 CDN_PORT=5091 bash deploy/cdn/start.sh    # in front of the edge instead
# The shop names its assets at the CDN with --Shop:Static:CdnBaseUrl=http://127.0.0.1:5090/ . Installs varnish when it
# is missing (root, or sudo). Runs in the foreground; Ctrl+C stops it. Its working directory is .cdn-run/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ORIGIN="${ORIGIN:-127.0.0.1:5100}"
CDN_PORT="${CDN_PORT:-5090}"
RUN="${CDN_RUN_DIR:-$ROOT/.cdn-run}"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
VARNISHD="$(command -v varnishd || true)"
[ -n "$VARNISHD" ] || [ ! -x /usr/sbin/varnishd ] || VARNISHD=/usr/sbin/varnishd
if [ -z "$VARNISHD" ]; then
  echo "[cdn] installing varnish from Debian packages"
  as_root apt-get -o Acquire::Retries=3 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Retries=3 install -y -qq --no-install-recommends varnish </dev/null
  VARNISHD=/usr/sbin/varnishd
fi

mkdir -p "$RUN"
sed -e "s/@ORIGIN_HOST@/${ORIGIN%:*}/" -e "s/@ORIGIN_PORT@/${ORIGIN##*:}/" "$ROOT/deploy/cdn/shop.vcl" >"$RUN/shop.vcl"
echo "[cdn] Varnish on http://127.0.0.1:$CDN_PORT -> origin http://$ORIGIN (config $RUN/shop.vcl)"
# -F: foreground; -n: its own working directory, so it never meets a system Varnish; 64 MB of memory storage.
exec "$VARNISHD" -F -n "$RUN/varnish" -a "127.0.0.1:$CDN_PORT" -f "$RUN/shop.vcl" -s malloc,64m
