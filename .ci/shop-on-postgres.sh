#!/usr/bin/env bash
# The Database Swap check (docs/patterns.md row 10) on the scale-out stack (issue 13): the shop suites that touch data
# run a second time with every shop on PostgreSQL and Redis (SHOP_TEST_DATA=scale-out: each test's shop gets its own
# database on the CI server, created and dropped by the fixture, and its own Redis key prefixes for the cache's second
# level, its backplane and the rate limits). RabbitMQ and Azurite are on in the same CI run through the tests written
# for them (RabbitMqShopTests, Fleet/FleetTests): the module queues carry module names, so parallel shops cannot share
# one broker. SHOP_TEST_DATA=postgres runs PostgreSQL alone. Expects the build of .ci/run.
# Ends with one line `shop on postgres: N passed, N failed, N skipped`.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESULTS="${1:-$ROOT/.ci-work/test-results-postgres}"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"

# The suites whose tests write or read the shop database: orders (saga, outbox, event log, projections), wallets
# (event store, snapshots, idempotency), catalogue (projection, cache), sign-up (Identity's PostgreSQL adapter),
# subscribers (inbox), returns, payments reconciliation, idempotency limits, security, start-up and readiness.
CLASSES=(OrdersTests WalletTests CatalogTests SignUpTests SubscriberTests ReturnsTests PaymentReconciliationTests
  HostLimitsTests SecurityTests ShopHostTests Issue10ConcurrentWritersTests)
filters=()
for class in "${CLASSES[@]}"; do filters+=(--filter-class "*.$class"); done

SHOP_TEST_DATA="${SHOP_TEST_DATA:-scale-out}" timeout --kill-after=60s 20m dotnet test --project "$ROOT/tests/Shop.Host.Tests" --no-build \
  --results-directory "$RESULTS" -- --report-xunit-ctrf --report-xunit-ctrf-filename Shop.Host.Tests_postgres.ctrf "${filters[@]}" </dev/null
rc=$?

summary="$(node "$ROOT/.ci/summarize-ctrf.js" "$RESULTS")" || summary="COUNTS 0 1 0 0"
grep -v '^COUNTS ' <<<"$summary" || true
read -r _ passed failed skipped reports < <(grep '^COUNTS ' <<<"$summary")
if [ "$reports" -eq 0 ]; then failed=$((failed + 1)); echo "no CTRF report from the PostgreSQL run" >&2; fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "dotnet test exited with code $rc" >&2; fi
echo "shop on postgres: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]
