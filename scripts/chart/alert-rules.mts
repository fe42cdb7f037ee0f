// Writes the alert rules of the rendered PrometheusRule as a plain Prometheus rules file, for promtool.
// The render uses the default values (plus the required skill ID) with the operator's API present, release
// "skill-service" in namespace "alexa": helm/skill-service/tests/alerts.test.yaml is written against that.
// Usage: node scripts/chart/alert-rules.mts OUT_FILE [--namespace NAMESPACE] [--set-json key=value ...]
// (--namespace: the release namespace the rules select, for a Prometheus whose targets carry another one.)
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
export function renderedAlertGroups(setJson: string[] = [], namespace?: string): RuleGroup[] {
  const objects = render({
    set: [`config.alexa.skillIds={${SKILL_ID}}`],
    setJson,
    apiVersions: MONITORING_APIS,
    namespace,
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
  const options = process.argv.slice(3);
  const after = (flag: string) => options.filter((_, i) => options[i - 1] === flag);
  const groups = renderedAlertGroups(after('--set-json'), after('--namespace').at(-1));
  writeFileSync(out, stringify({ groups }, { lineWidth: 0 }));
  console.log(`alert-rules: ${groups.reduce((n, g) => n + g.rules.length, 0)} rules written to ${out}`);
}
