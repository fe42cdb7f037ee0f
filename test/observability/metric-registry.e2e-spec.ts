import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@lib/metrics';
import { alexaRequest } from '../../tools/alexa-request/envelope.ts';
import { startFakeMusicApi, type FakeMusicApi } from '../../tools/fake-music-api.ts';
import { createTestApp, metricValue, type TestApp } from '../support/test-app';
import { TestDomainModule } from '../support/test-domain.module';

/** The metric names the dashboard, the alerts and the chart checks rely on (one list for all of them). */
const CONTRACT_METRICS = (
  JSON.parse(readFileSync(join(__dirname, '../../helm/skill-service/metrics-contract.json'), 'utf8')) as {
    metrics: string[];
  }
).metrics;
import { dashboardExpressions, loadDashboard } from './support/dashboard';
import { checkConventions, readRegistry, type MetricFamily } from './support/metric-conventions';
import { defaultMetricLabels, isDefaultMetric, serviceLabelPolicy } from './support/service-label-policy';

// The full app's registry, walked after traffic that creates every kind of series: help text, Prometheus
// naming, and labels only from the allow-list with values the app can bound.

const PREFIX = 'skill_';
const CHART = join(__dirname, '../../helm/skill-service');

/**
 * Metric names a PromQL text selects (a name followed by a label matcher), histogram suffixes removed. Names with
 * a colon are the chart's recording rules (test/deploy/alerts.test.mts checks those), not the service's metrics.
 */
function selectedMetrics(promql: string): string[] {
  const names = [...promql.matchAll(/\b([a-z_:][a-z0-9_:]*)\{(?!\{)/g)].map((m) => m[1]);
  const exported = names.filter((n) => !n.includes(':'));
  return [...new Set(exported.map((n) => n.replace(/_(bucket|sum|count)$/, '')))].sort();
}
const GOOD_TOKEN = 'Atza|registry-walk-good-token';
const REJECTED_TOKEN = 'Atza|registry-walk-revoked-token';

describe('the metric registry of the full app', () => {
  let fake: FakeMusicApi;
  let t: TestApp;
  let families: MetricFamily[];

  beforeAll(async () => {
    fake = await startFakeMusicApi({ tokens: [GOOD_TOKEN] });
    t = await createTestApp({
      env: {
        MUSIC_API_BASE_URL: fake.url,
        MUSIC_API_RETRY_BASE_DELAY_MS: '1',
        MUSIC_API_BREAKER_FAILURES: '3',
        METRICS_PREFIX: PREFIX,
      },
      imports: [TestDomainModule],
    });
    // One request of every kind the service counts, so every family has series whose values are checked.
    await t.alexa(alexaRequest().launch());
    await t.alexa(alexaRequest().launch().linked(GOOD_TOKEN));
    await t.alexa(alexaRequest().launch().linked(REJECTED_TOKEN));
    await t.alexa(alexaRequest().launch().linked('Atza|has whitespace'));
    await t.alexa(alexaRequest().intent('WhatsPlayingIntent').linked(GOOD_TOKEN));
    await t.alexa(alexaRequest().intent('ExplodeIntent'));
    await t.alexa(alexaRequest().event('AlexaSkillEvent.SkillAccountLinked', { accessToken: GOOD_TOKEN }));
    await t.alexa(alexaRequest().event('AlexaSkillEvent.SkillDisabled'));
    await t.alexa(alexaRequest().launch(), { 'signature-256': 'AAAA' });
    fake.behave({ path: '/v1/me', mode: 'fail', times: 1 });
    await t.alexa(alexaRequest().launch().linked(GOOD_TOKEN)); // one retry
    fake.behave({ path: '/v1/me', mode: 'fail', times: 3 });
    await t.alexa(alexaRequest().launch().linked(GOOD_TOKEN)); // three failed attempts open the breaker
    await t.app.inject({ method: 'GET', url: '/health/live' });
    families = await readRegistry(t.app.get<Registry>(METRICS_REGISTRY));
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const own = () => families.filter((f) => !isDefaultMetric(PREFIX)(f.name));

  it('follows the conventions: help text, Prometheus naming, allow-listed labels with known values', () => {
    const problems = checkConventions(families, {
      labels: serviceLabelPolicy(t.app),
      isForeign: isDefaultMetric(PREFIX),
      foreignLabels: defaultMetricLabels(PREFIX),
    });
    expect(problems).toEqual([]);
  });

  it('walked every family the service defines, each with series from the traffic', () => {
    expect(own().map((f) => f.name)).toEqual(expect.arrayContaining(CONTRACT_METRICS));
    for (const family of own())
      expect({ [family.name]: family.series.length > 0 }).toEqual({ [family.name]: true });
  });

  it('puts the configured prefix on the default process metrics only', () => {
    const defaults = families.filter((f) => isDefaultMetric(PREFIX)(f.name)).map((f) => f.name);
    expect(defaults).toEqual(
      expect.arrayContaining([
        `${PREFIX}process_cpu_seconds_total`,
        `${PREFIX}nodejs_eventloop_lag_p99_seconds`,
      ]),
    );
    expect(families.filter((f) => /^(process|nodejs)_/.test(f.name))).toEqual([]);
    expect(own().filter((f) => f.name.startsWith(PREFIX))).toEqual([]);
  });

  it('leaves service and version to the scrape (target labels), not on any series', () => {
    for (const family of own()) {
      expect({ [family.name]: family.labelNames.filter((l) => ['service', 'version'].includes(l)) }).toEqual({
        [family.name]: [],
      });
    }
  });

  describe('labels taken from the wire stay bounded', () => {
    it('counts an intent no handler registered as intent="other", never by its name', async () => {
      const before = await t.metrics();
      const res = await t.alexa(alexaRequest().intent('UnregisteredIntent7f3a9c'));
      expect(res.statusCode).toBe(200);
      const after = await t.metrics();
      const other = { request_type: 'IntentRequest', intent: 'other' };
      expect(sum(after, 'alexa_requests_total', other) - sum(before, 'alexa_requests_total', other)).toBe(1);
      expect(after).not.toContain('UnregisteredIntent7f3a9c');
    });

    it('keeps the name of an intent a handler registered', async () => {
      const labels = { request_type: 'IntentRequest', intent: 'WhatsPlayingIntent', outcome: 'ok' };
      const before = metricValue(await t.metrics(), 'alexa_requests_total', labels);
      await t.alexa(alexaRequest().intent('WhatsPlayingIntent'));
      expect(metricValue(await t.metrics(), 'alexa_requests_total', labels) - before).toBe(1);
    });

    it('counts a request type Amazon does not document as request_type="other"', async () => {
      const before = await t.metrics();
      await t.alexa(alexaRequest().raw({ type: 'Vendor.MadeUpRequest4d2e' }));
      const after = await t.metrics();
      const other = { request_type: 'other', intent: 'none' };
      expect(sum(after, 'alexa_requests_total', other) - sum(before, 'alexa_requests_total', other)).toBe(1);
      expect(after).not.toContain('MadeUpRequest4d2e');
    });

    it('counts an unknown URL as route="unmatched", never by its path', async () => {
      const labels = { route: 'unmatched', status_class: '4xx' };
      const before = metricValue(await t.metrics(), 'http_requests_total', labels);
      const res = await t.app.inject({ method: 'GET', url: '/wp-admin/probe-5b1c?user=x' });
      expect(res.statusCode).toBe(404);
      const after = await t.metrics();
      expect(metricValue(after, 'http_requests_total', labels) - before).toBe(1);
      expect(after).not.toContain('wp-admin');
    });

    it('counts a refused request by route pattern and status class', async () => {
      const labels = { route: '/alexa', status_class: '4xx' };
      const before = metricValue(await t.metrics(), 'http_requests_total', labels);
      await t.alexa(alexaRequest().launch(), { 'signature-256': 'AAAA' });
      expect(metricValue(await t.metrics(), 'http_requests_total', labels) - before).toBe(1);
    });
  });

  it('registers every metric the dashboard and the alert rules query', () => {
    // The chart runs without METRICS_PREFIX: the dashboard queries the default metrics unprefixed.
    const defaults = families
      .filter((f) => isDefaultMetric(PREFIX)(f.name))
      .map((f) => f.name.slice(PREFIX.length));
    const exposed = new Set([...own().map((f) => f.name), ...defaults, 'up']);
    const dashboard = dashboardExpressions(loadDashboard(join(CHART, 'dashboards/skill-service.json')));
    const rules = ['templates/prometheusrule.yaml', 'templates/_slo.tpl']
      .map((file) => readFileSync(join(CHART, file), 'utf8'))
      .join('\n');
    const used = selectedMetrics([...dashboard.map((e) => e.expr), rules].join('\n'));
    expect(used.length).toBeGreaterThanOrEqual(13);
    expect(used.filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('lists every metric of the registry in docs/observability.md, and nothing the registry lacks', () => {
    const doc = readFileSync(join(__dirname, '../../docs/observability.md'), 'utf8');
    const documented = new Set(
      [...doc.matchAll(/^\| `([a-z_]+)` \| (?:counter|gauge|histogram|summary) \|/gm)].map((m) => m[1]),
    );
    expect([...documented].sort()).toEqual(
      own()
        .map((f) => f.name)
        .sort(),
    );
  });
});

/** Sum of every sample of a metric whose labels include the given ones. */
function sum(text: string, name: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      total += Number(line.split(' ').at(-1));
  }
  return total;
}
