// The rules of the rendered PrometheusRule, with Prometheus' own tool: `promtool check rules`, and
// `promtool test rules` with helm/skill-service/tests/alerts.test.yaml, where every alert must fire on its
// situation and stay quiet on at least one other, and every SLO recording rule is evaluated. Plus what promtool
// does not check: severity, summary, description, a runbook link to an existing section of docs/runbook.md,
// scoping to the release, known metrics, the latency threshold as a bucket boundary the service exports.
// Needs promtool (Debian package prometheus; scripts/verify-chart.sh installs it). PROMTOOL=path overrides.
/* eslint-disable @typescript-eslint/no-floating-promises -- node:test suites return promises the runner awaits */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { renderedAlertGroups, type RuleGroup } from '../../scripts/chart/alert-rules.mts';
import { CHART, REPO } from '../../scripts/chart/chart.mts';
import { CONTRACT_METRICS, metricNames, PROCESS_METRIC, selectors } from '../../scripts/chart/dashboard.mts';

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const TESTS = join(CHART, 'tests', 'alerts.test.yaml');
const EXPECTED_ALERTS = [
  'AlexaSkillAvailabilityBudgetFastBurn',
  'AlexaSkillAvailabilityBudgetSlowBurn',
  'AlexaSkillLatencyBudgetFastBurn',
  'AlexaSkillLatencyBudgetSlowBurn',
  'AlexaSkillVerificationFailuresHigh',
  'AlexaSkillLinkRateLow',
  'AlexaSkillTokenRejectionSpike',
  'AlexaSkillCircuitBreakerOpen',
  'AlexaSkillLatencyNearDeadline',
  'AlexaSkillServerErrors',
  'AlexaSkillTargetDown',
  'AlexaSkillStateStoreDown',
];
/** The histogram the latency SLO reads, and where its buckets are defined. */
const DURATION_METRICS = join(REPO, 'libs', 'alexa-skill', 'src', 'metrics', 'skill-request.metrics.ts');

interface PromtoolTests {
  rule_files: string[];
  tests: {
    name: string;
    alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[];
    promql_expr_test?: { expr: string }[];
  }[];
}

let dir = '';
let groups: RuleGroup[] = [];

function promtool(args: string[]): { ok: boolean; output: string } {
  const result = spawnSync(PROMTOOL, args, { cwd: dir, encoding: 'utf8' });
  if (result.error)
    assert.fail(
      `cannot run ${PROMTOOL} (${result.error.message}): run scripts/verify-chart.sh, which installs it`,
    );
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

function writeRules(target: RuleGroup[]): void {
  writeFileSync(join(dir, 'alerts.rules.yaml'), stringify({ groups: target }, { lineWidth: 0 }));
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'skill-service-alerts-'));
  groups = renderedAlertGroups();
  copyFileSync(TESTS, join(dir, 'alerts.test.yaml'));
  writeRules(groups);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const rules = () => groups.flatMap((g) => g.rules);
const alerts = () => rules().filter((r) => r.alert);
const records = () => rules().filter((r) => r.record);

describe('the alert rules', () => {
  it('are the alerts the chart ships, in order', () => {
    assert.deepEqual(
      alerts().map((r) => r.alert),
      EXPECTED_ALERTS,
    );
  });

  it('pass promtool check rules', () => {
    const { ok, output } = promtool(['check', 'rules', 'alerts.rules.yaml']);
    assert.ok(ok, output);
    assert.match(output, new RegExp(`SUCCESS: ${EXPECTED_ALERTS.length + records().length} rules found`));
  });

  it('pass their promtool unit tests', () => {
    const { ok, output } = promtool(['test', 'rules', 'alerts.test.yaml']);
    assert.ok(ok, output);
  });

  it('fail those unit tests when thresholds or durations change', () => {
    try {
      writeRules(
        renderedAlertGroups([
          'alerts.verificationFailures.ratio=0.5',
          'alerts.linkRate.floor=0.1',
          'alerts.tokenRejections.threshold=100',
          'alerts.breakerOpen.for="30m"',
          'alerts.latency.p99Seconds=7.99',
          'alerts.serverErrors.ratio=0.5',
          'alerts.targetDown.for="1h"',
          'alerts.stateStoreDown.for="1h"',
          'slo.availability.objective=0.99',
          'slo.latency.objective=0.95',
        ]),
      );
      const { ok, output } = promtool(['test', 'rules', 'alerts.test.yaml']);
      assert.equal(ok, false, 'promtool test rules must fail against changed rules');
      for (const alert of EXPECTED_ALERTS)
        assert.match(output, new RegExp(`alertname: ${alert}`), `no test noticed the change to ${alert}`);
    } finally {
      writeRules(groups);
    }
  });

  it('each have a unit test where they fire and one where they do not', () => {
    const tests = parse(readFileSync(TESTS, 'utf8')) as PromtoolTests;
    assert.deepEqual(tests.rule_files, ['alerts.rules.yaml']);
    const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const alert of EXPECTED_ALERTS) {
      const mine = cases.filter((c) => c.alertname === alert);
      assert.ok(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert} has no firing test`,
      );
      assert.ok(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} has no not-firing test`,
      );
    }
  });

  it('record the SLIs, each evaluated by a unit test', () => {
    const tests = parse(readFileSync(TESTS, 'utf8')) as PromtoolTests;
    const exprs = tests.tests.flatMap((t) => t.promql_expr_test ?? []).map((t) => t.expr);
    assert.ok(records().length >= 10);
    for (const { record } of records()) {
      assert.match(
        record!,
        /^namespace_job(_request_type)?:alexa_slo_[a-z_]+:[a-z0-9_]+$/,
        'level:metric:operations',
      );
      assert.ok(
        exprs.some((e) => new RegExp(`\\b${record}\\b`).test(e)),
        `no promql_expr_test evaluates ${record}`,
      );
    }
  });

  it('take the latency threshold from the buckets the service exports, as prom-client writes the le label', () => {
    const source = readFileSync(DURATION_METRICS, 'utf8');
    const declared = /name: 'alexa_request_duration_seconds'[\s\S]*?buckets: \[([^\]]+)\]/.exec(source)?.[1];
    assert.ok(declared, `no buckets for alexa_request_duration_seconds in ${DURATION_METRICS}`);
    const buckets = declared.split(',').map(Number);
    const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as {
      properties: {
        slo: { properties: { latency: { properties: { thresholdSeconds: { enum: number[] } } } } };
      };
    };
    const allowed = schema.properties.slo.properties.latency.properties.thresholdSeconds.enum;
    assert.deepEqual(
      allowed,
      buckets.filter((b) => b < 8),
      'slo.latency.thresholdSeconds allows exactly the bucket boundaries below 8 s',
    );
    for (const threshold of [0.0025, 0.25, 4]) {
      const exprs = renderedAlertGroups([`slo.latency.thresholdSeconds=${threshold}`])
        .flatMap((g) => g.rules)
        .map((r) => r.expr)
        .join('\n');
      // prom-client writes le with JavaScript's number formatting.
      assert.match(exprs, new RegExp(`le="${String(threshold).replace('.', '\\.')}"`));
      assert.doesNotMatch(exprs, /le="2"/);
    }
  });

  it('each carry a severity, a summary, a description and a runbook link to an existing section', () => {
    const runbook = readFileSync(join(REPO, 'docs', 'runbook.md'), 'utf8');
    const anchors = new Set(
      [...runbook.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
        m[1]
          .trim()
          .toLowerCase()
          .replace(/[^\w\- ]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const rule of alerts()) {
      assert.match(rule.labels?.severity ?? '', /^(critical|warning|info)$/, `${rule.alert} severity`);
      assert.ok(rule.annotations?.summary, `${rule.alert} summary`);
      assert.ok((rule.annotations?.description ?? '').length > 60, `${rule.alert} description`);
      const url = rule.annotations?.runbook_url ?? '';
      assert.match(url, /^https:\/\/.+\/docs\/runbook\.md#[a-z0-9-]+$/, `${rule.alert} runbook_url`);
      const anchor = url.split('#')[1];
      assert.ok(anchors.has(anchor), `docs/runbook.md has no section #${anchor} for ${rule.alert}`);
    }
  });

  it('select only this release (job and namespace) and only metrics the service exports or the rules record', () => {
    const recorded = new Set(records().map((r) => r.record));
    for (const rule of rules()) {
      for (const selector of selectors(rule.expr)) {
        assert.match(
          selector,
          /job="skill-service",namespace="alexa"/,
          `${rule.alert ?? rule.record}: selector {${selector}}`,
        );
      }
      for (const name of metricNames(rule.expr)) {
        assert.ok(
          CONTRACT_METRICS.includes(name) || PROCESS_METRIC.test(name) || recorded.has(name),
          `${rule.alert ?? rule.record} uses unknown metric ${name}`,
        );
      }
    }
  });
});
