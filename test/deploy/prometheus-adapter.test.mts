// The prometheus-adapter rule the chart ships for its custom-metric mode (helm/skill-service/prometheus-adapter-values.yaml):
// it serves the metric name the HPA asks for, from a metric the service exports, mapped to the pod and namespace
// resources the HPA looks up, and its query, with the adapter's template filled in as the adapter does, is PromQL
// that promtool accepts. (test/observability/prometheus-dashboard.e2e-spec.ts runs that query against a real
// Prometheus scraping the service.)
// Needs promtool (Debian package prometheus; scripts/verify-chart.sh installs it). PROMTOOL=path overrides.
/* eslint-disable @typescript-eslint/no-floating-promises -- node:test suites return promises the runner awaits */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { CHART, one, render, SKILL_ID } from '../../scripts/chart/chart.mts';
import { CONTRACT_METRICS, metricNames } from '../../scripts/chart/dashboard.mts';

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';

interface AdapterRule {
  seriesQuery: string;
  resources: { overrides: Record<string, { resource: string }> };
  name: { matches: string; as: string };
  metricsQuery: string;
}
const adapterValues = parse(readFileSync(join(CHART, 'prometheus-adapter-values.yaml'), 'utf8')) as {
  rules: { custom: AdapterRule[] };
};
const chartValues = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as {
  autoscaling: { customMetric: { name: string } };
};

/** The adapter's query for the pods of one namespace (its Go template's <<.Series>>, <<.LabelMatchers>>, <<.GroupBy>>). */
function podQuery(rule: AdapterRule, series: string, namespace: string, pods: string[]): string {
  return rule.metricsQuery
    .replaceAll('<<.Series>>', series)
    .replaceAll('<<.LabelMatchers>>', `namespace="${namespace}",pod=~"${pods.join('|')}"`)
    .replaceAll('<<.GroupBy>>', 'pod');
}

describe('the prometheus-adapter rule', () => {
  const rules = adapterValues.rules.custom;
  const rule = rules[0];

  it('serves the metric the HPA reads, under the name in autoscaling.customMetric.name', () => {
    assert.equal(rules.length, 1);
    assert.equal(rule.name.as, chartValues.autoscaling.customMetric.name);
    const hpa = one(
      render({ set: [`config.alexa.skillIds={${SKILL_ID}}`, 'autoscaling.customMetric.enabled=true'] }),
      'HorizontalPodAutoscaler',
    ).spec as { metrics: { type: string; pods?: { metric: { name: string } } }[] };
    assert.deepEqual(
      hpa.metrics.filter((m) => m.type === 'Pods').map((m) => m.pods!.metric.name),
      [rule.name.as],
    );
  });

  it("reads a counter the service exports, labelled with the pod and namespace the ServiceMonitor's targets carry", () => {
    const [series] = metricNames(rule.seriesQuery);
    assert.ok(CONTRACT_METRICS.includes(series), `${series} is one of the service's metrics`);
    assert.match(series, /_total$/, 'a counter, turned into a rate by the query');
    assert.match(series, new RegExp(rule.name.matches));
    assert.match(rule.seriesQuery, /namespace!="",pod!=""/);
    assert.deepEqual(rule.resources.overrides, {
      namespace: { resource: 'namespace' },
      pod: { resource: 'pod' },
    });
    assert.match(
      rule.metricsQuery,
      /^sum by \(<<\.GroupBy>>\) \(rate\(<<\.Series>>\{<<\.LabelMatchers>>\}\[\d+m\]\)\)$/,
    );
  });

  it('has a query that promtool accepts once the adapter fills it in, and refuses when broken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skill-service-adapter-'));
    try {
      const check = (expr: string) => {
        const file = join(dir, 'adapter.rules.yaml');
        writeFileSync(
          file,
          stringify({ groups: [{ name: 'adapter', rules: [{ record: 'adapter:query', expr }] }] }),
        );
        const result = spawnSync(PROMTOOL, ['check', 'rules', file], { encoding: 'utf8' });
        if (result.error)
          assert.fail(`cannot run ${PROMTOOL}: run scripts/verify-chart.sh, which installs it`);
        return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
      };
      const query = podQuery(rule, 'alexa_requests_total', 'alexa', ['skill-service-a', 'skill-service-b']);
      assert.doesNotMatch(query, /<<|>>/);
      const { ok, output } = check(query);
      assert.ok(ok, output);
      assert.equal(check(query.replace('by (pod)', 'by (')).ok, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
