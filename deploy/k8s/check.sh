#!/usr/bin/env bash
# Renders every overlay with `kubectl kustomize` (offline) and checks what the cluster would need of it: probes on
# /health/live and /health/ready, a PodDisruptionBudget, a Rollout with its strategy and analysis, an image tag that is
# a release, a namespace. `kubectl apply --dry-run=client` is not used: it needs an API server even in dry-run.
# Ends with `k8s checks: N passed, N failed` (CI counts each check as a test, like the api checks).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
passed=0 failed=0
check() { # NAME CONDITION-COMMAND...
  local name="$1"; shift
  if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); echo "  ok   $name"; else failed=$((failed + 1)); echo "  FAIL $name"; fi
}
# doc KIND FILE: prints the rendered documents of one kind.
doc() { awk -v kind="$1" 'BEGIN { RS = "\n---\n" } $0 ~ "(^|\n)kind: " kind "\n" { print; print "---" }' "$2"; }
has() { grep -Eq -- "$1" <<<"$2"; }

command -v kubectl >/dev/null 2>&1 || { echo "kubectl is not installed (apt-get install kubectl)"; echo "k8s checks: 0 passed, 1 failed"; exit 1; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
for overlay in dev prod prod-blue-green; do
  out="$work/$overlay.yaml"
  echo "overlay $overlay"
  check "$overlay: kubectl kustomize renders" kubectl kustomize "$HERE/overlays/$overlay" -o "$out"
  [ -s "$out" ] || continue
  rollout="$(doc Rollout "$out")"
  check "$overlay: one Rollout" has '^kind: Rollout' "$rollout"
  # kustomize sorts keys: the probe's path is within its next four lines.
  check "$overlay: liveness on /health/live" has 'path: /health/live$' "$(grep -A4 livenessProbe: <<<"$rollout")"
  check "$overlay: readiness on /health/ready" has 'path: /health/ready$' "$(grep -A4 readinessProbe: <<<"$rollout")"
  check "$overlay: startup probe" has 'startupProbe:' "$rollout"
  check "$overlay: image tag is not the base placeholder" bash -c "! grep -q 'image: bulwark/shop:unreleased' '$out' && grep -q 'image: bulwark/shop:' '$out'"
  check "$overlay: every object has a namespace" bash -c "[ \"\$(grep -c '^kind:' '$out')\" = \"\$(grep -c '^  namespace: ' '$out')\" ]"
  check "$overlay: PodDisruptionBudget selects the pods" has 'app.kubernetes.io/component: web' "$(doc PodDisruptionBudget "$out")"
  check "$overlay: AnalysisTemplate with error rate and p99" bash -c "grep -q 'name: error-rate' '$out' && grep -q 'name: p99-latency' '$out'"
  check "$overlay: read-only root filesystem" has 'readOnlyRootFilesystem: true' "$rollout"
  case "$overlay" in
    prod-blue-green) check "$overlay: blue-green with pre-promotion analysis, no canary" bash -c "grep -q 'blueGreen:' '$out' && grep -q 'prePromotionAnalysis:' '$out' && ! grep -q '    canary:' '$out'" ;;
    *) check "$overlay: canary with analysis" bash -c "grep -q '    canary:' '$out' && grep -q 'templateName: shop-canary-analysis' '$out'" ;;
  esac
done
echo "k8s checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
