// Writes the alert rules of the rendered PrometheusRule as a plain Prometheus rules file, for promtool.
// The render uses the default values (plus the required skill ID) with the operator's API present, release
// "skill-service" in namespace "alexa": helm/skill-service/tests/alerts.test.yaml is written against that.
// Usage: node scripts/chart/alert-rules.mts OUT_FILE [--set-json key=value ...]
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { MONITORING_APIS, one, render, SKILL_ID } from './chart.mts';

export interface RuleGroup {
  name: string;
  rules: {
    alert?: string;
    record?: string;
    expr: string;
    for?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  }[];
}

/** The rule groups of the PrometheusRule rendered with the default values; setJson overrides some (tests). */
export function renderedAlertGroups(setJson: string[] = []): RuleGroup[] {
  const objects = render({
    set: [`config.alexa.skillIds={${SKILL_ID}}`],
    setJson,
    apiVersions: MONITORING_APIS,
  });
  const rule = one(objects, 'PrometheusRule');
  return (rule.spec as { groups: RuleGroup[] }).groups;
}

if (import.meta.main) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: alert-rules.mts OUT_FILE');
    process.exit(2);
  }
  const setJson = process.argv.slice(3).filter((_, i, all) => all[i - 1] === '--set-json');
  const groups = renderedAlertGroups(setJson);
  writeFileSync(out, stringify({ groups }, { lineWidth: 0 }));
  console.log(`alert-rules: ${groups.reduce((n, g) => n + g.rules.length, 0)} rules written to ${out}`);
}
