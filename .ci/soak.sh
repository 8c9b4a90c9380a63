#!/usr/bin/env bash
# Soak: runs every test assembly of the current build several times, to find the rare failure before CI does (three
# stops in a row failed CI on one rare test each: docs/ci.md#finding-rare-failures). Not part of .ci/run.
#
#   bash .ci/soak.sh [--rounds N] [--burn] [--skip PROJECT]... [--only PROJECT]...
#
# --rounds N   how many times each assembly runs (default 3)
# --burn       keep one core busy meanwhile (a second process spinning), as a slower or shared CI machine would
# --skip P     leave out tests/P (repeatable), e.g. --skip Bulwark.Drills.Tests (4 minutes a round)
# --only P     run only tests/P (repeatable)
# Expects a build (`dotnet build Bulwark.slnx`) and, for the real-server tests, `bash .ci/services.sh`.
# Writes each run's console output to .ci-work/soak/<round>-<project>.log; ends with
# `soak: N assembly runs, N test runs, N failed` and the failed tests by name. Exits 1 when any test failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/.ci-work/soak"
rounds=3 burn=0 skip=() only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "soak: --rounds needs a positive whole number, e.g. --rounds 3" >&2; exit 2; }; rounds="$2"; shift 2 ;;
    --burn) burn=1; shift ;;
    --skip) [ -d "$ROOT/tests/${2:-}" ] || { echo "soak: --skip needs a folder under tests/, e.g. --skip Bulwark.Drills.Tests" >&2; exit 2; }; skip+=("$2"); shift 2 ;;
    --only) [ -d "$ROOT/tests/${2:-}" ] || { echo "soak: --only needs a folder under tests/, e.g. --only Bulwark.Edge.Tests" >&2; exit 2; }; only+=("$2"); shift 2 ;;
    *) echo "soak: unknown argument '$1' (see the comment at the top of .ci/soak.sh)" >&2; exit 2 ;;
  esac
done

projects=()
for dir in "$ROOT"/tests/*/; do
  name="$(basename "$dir")"
  # Test projects end in .Tests; Bulwark.Testing and the *.Contracts suites are libraries the test projects share.
  [[ "$name" == *.Tests ]] || continue
  [ ${#only[@]} -gt 0 ] && [[ ! " ${only[*]} " == *" $name "* ]] && continue
  [[ " ${skip[*]:-} " == *" $name "* ]] && continue
  projects+=("$name")
done
[ ${#projects[@]} -gt 0 ] || { echo "soak: no test project left to run" >&2; exit 2; }

rm -rf "$OUT" && mkdir -p "$OUT"
burner=""
if [ "$burn" -eq 1 ]; then
  ( while :; do :; done ) &
  burner=$!
  trap 'kill "$burner" 2>/dev/null' EXIT
fi

assembly_runs=0 test_runs=0 failed=0
for round in $(seq 1 "$rounds"); do
  for project in "${projects[@]}"; do
    log="$OUT/$round-$project.log"
    timeout --kill-after=30s 20m dotnet test --project "$ROOT/tests/$project" --no-build </dev/null >"$log" 2>&1
    total="$(grep -E '^  total: ' "$log" | tail -1 | awk '{print $2}')"
    fails="$(grep -cE '^failed ' "$log")"
    assembly_runs=$((assembly_runs + 1)) test_runs=$((test_runs + ${total:-0})) failed=$((failed + fails))
    echo "$(date +%T) round $round $project: ${total:-no} tests, $fails failed"
    grep -E '^failed ' "$log" | sed "s|^|    round $round: |"
  done
done

echo "soak: $assembly_runs assembly runs, $test_runs test runs, $failed failed"
if [ "$failed" -gt 0 ]; then
  grep -hE '^failed ' "$OUT"/*.log | sed -E 's/^failed ([^ ]+).*/\1/' | sort | uniq -c | sort -rn
  exit 1
fi
