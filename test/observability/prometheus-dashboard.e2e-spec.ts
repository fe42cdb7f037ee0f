import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsServer } from '@lib/metrics';
import { parse } from 'yaml';
import { startFakeMusicApi, type FakeMusicApi } from '../../tools/fake-music-api.ts';
import { createTestApp, type TestApp } from '../support/test-app';
import { TestDomainModule } from '../support/test-domain.module';
import { describeWithBinary } from './support/binaries';
import { writeChartRules } from './support/chart-rules';
import {
  dashboardExpressions,
  grafanaAllValue,
  loadDashboard,
  parseLabelValues,
  substitute,
  templateQueries,
  type DashboardExpression,
} from './support/dashboard';
import { FUNNEL_ENV, FUNNEL_EXPECTED, FUNNEL_PHASES, FUNNEL_TOKENS } from './support/funnel';
import { startNeighbourApp } from './support/neighbour-app';
import { PrometheusServer, type QueryAnswer } from './support/prometheus';

// The shipped Grafana dashboard, proven against a real Prometheus (Debian's `prometheus`) scraping the real
// service every second on 127.0.0.1 and evaluating the chart's rules (the SLO recording rules the dashboard's SLO
// row reads, and the alerts) every second: a scripted linking funnel goes through signed requests, then every
// PromQL expression in the dashboard JSON runs through Prometheus' HTTP API at the moment of the last scrape.

const { describe: describeWithPrometheus, path: PROMETHEUS } = describeWithBinary('prometheus');

const DASHBOARD_FILE = join(__dirname, '../../helm/skill-service/dashboards/skill-service.json');
const ADAPTER_VALUES = join(__dirname, '../../helm/skill-service/prometheus-adapter-values.yaml');
const JOB = 'skill-service';
/** What the ServiceMonitor gives a pod's target in the cluster (the operator adds namespace, pod, service). */
const TARGET_LABELS = { namespace: 'test', pod: 'skill-0', service: 'skill-service', version: '0.1.0' };
/** Another application's pod in the same namespace. */
const NEIGHBOUR_LABELS = { namespace: 'test', pod: 'orders-0', service: 'orders' };

describeWithPrometheus('the Grafana dashboard against a real Prometheus scraping the service', () => {
  let fake: FakeMusicApi;
  let t: TestApp;
  let prometheus: PrometheusServer;
  let rulesDir: string;
  let neighbour: Awaited<ReturnType<typeof startNeighbourApp>>;
  let dashboard: unknown;
  /** Unix seconds of the last scrape, at least two scrapes after the traffic: every query runs at this time. */
  let at: number;
  /** Grafana's variables, with windows that cover the whole run. */
  let variables: Record<string, string>;

  beforeAll(async () => {
    dashboard = loadDashboard(DASHBOARD_FILE);
    fake = await startFakeMusicApi({ tokens: [FUNNEL_TOKENS.linked] });
    t = await createTestApp({
      env: { MUSIC_API_BASE_URL: fake.url, ...FUNNEL_ENV },
      imports: [TestDomainModule],
    });
    neighbour = await startNeighbourApp();
    rulesDir = mkdtempSync(join(tmpdir(), 'skill-rules-'));
    const rules = join(rulesDir, 'skill-service.rules.yaml');
    writeChartRules(rules, TARGET_LABELS.namespace);
    const startedAt = Date.now() / 1000;
    prometheus = await PrometheusServer.start({
      binary: PROMETHEUS,
      ruleFiles: [rules],
      targets: [
        { job: JOB, address: `127.0.0.1:${t.app.get(MetricsServer).port()}`, labels: TARGET_LABELS },
        { job: 'orders', address: neighbour.address, labels: NEIGHBOUR_LABELS },
      ],
    });
    // The zero series are stored before any traffic; a scrape between phases lets rates see the traffic grow.
    await prometheus.scrapeAfter(Date.now() / 1000);
    for (const phase of FUNNEL_PHASES) {
      await phase(t.alexa, fake);
      await prometheus.scrapeAfter(Date.now() / 1000);
    }
    // That scrape started after the traffic. The rules are evaluated twice after it is stored (the second time at
    // a moment that is surely later than the scrape's own), then one more scrape, and the queries run at its
    // timestamp (so increase() extrapolates nothing past the last sample).
    const evaluated = await prometheus.rulesEvaluatedAfter(
      await prometheus.rulesEvaluatedAfter(Date.now() / 1000),
    );
    at = await prometheus.scrapeAfter(evaluated);
    const window = `${Math.ceil(at - startedAt) + 30}s`;
    variables = {
      __rate_interval: window,
      __interval: '1s',
      __interval_ms: '1000',
      __range: window,
      __range_s: String(Math.ceil(at - startedAt) + 30),
      namespace: TARGET_LABELS.namespace,
      pod: TARGET_LABELS.pod,
      datasource: 'prometheus',
    };
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
    await neighbour?.close();
    await t?.close();
    await fake?.close();
  });

  const expressions = (): DashboardExpression[] => dashboardExpressions(dashboard);
  const run = (expr: string) => prometheus.query(substitute(expr, variables), at);

  it('finds the dashboard expressions (targets in every row)', () => {
    expect(expressions().length).toBeGreaterThanOrEqual(20);
  });

  it('resolves the namespace and pod variables from the scraped series', async () => {
    const queries = templateQueries(dashboard);
    expect(queries.map((q) => q.variable)).toEqual(expect.arrayContaining(['namespace', 'pod']));
    for (const { variable, query } of queries) {
      const parsed = parseLabelValues(substitute(query, variables));
      if (!parsed) throw new Error(`variable ${variable}: unsupported query ${query}`);
      const series = await prometheus.series(parsed.match ?? '{__name__=~".+"}', at - 600, at);
      const values = [...new Set(series.map((s) => s[parsed.label]).filter(Boolean))];
      expect({ variable, values }).toEqual({ variable, values: [variables[variable]] });
    }
  });

  it('runs every PromQL expression of the dashboard: each parses and returns data', async () => {
    const problems: string[] = [];
    for (const e of expressions()) {
      const expr = substitute(e.expr, variables);
      if (/\$|\[\[/.test(expr)) {
        problems.push(`${e.where}: unsubstituted variable\n    ${expr}`);
        continue;
      }
      const problem = noData(await prometheus.query(expr, at));
      if (problem) problems.push(`${e.where}: ${problem}\n    ${expr}`);
    }
    expect(problems).toEqual([]);
  });

  it("burns the availability budget with the script's apologies (both burn-rate alerts fire), not the latency one", async () => {
    const burning = (await prometheus.alerts())
      .filter((a) => a.labels.alertname.includes('Budget'))
      .map((a): Record<string, string> => ({ ...a.labels, state: a.state }))
      .sort((a, b) => a.alertname.localeCompare(b.alertname));
    expect(burning).toEqual([
      {
        alertname: 'AlexaSkillAvailabilityBudgetFastBurn',
        severity: 'critical',
        slo: 'availability',
        job: JOB,
        namespace: TARGET_LABELS.namespace,
        state: 'firing',
      },
      {
        alertname: 'AlexaSkillAvailabilityBudgetSlowBurn',
        severity: 'warning',
        slo: 'availability',
        job: JOB,
        namespace: TARGET_LABELS.namespace,
        state: 'firing',
      },
    ]);
  });

  it('records the SLIs per release and per request type the script reached', async () => {
    const perType = vector(
      await run('namespace_job_request_type:alexa_slo_apologies:ratio_rate5m{namespace=~"$namespace"}'),
    );
    expect(perType.map((s) => s.metric.request_type).sort()).toEqual([
      'AlexaSkillEvent.SkillAccountLinked',
      'IntentRequest',
      'LaunchRequest',
    ]);
    // The launches and events never apologised; the intents did (ExplodeIntent).
    const ratio = (type: string) => Number(perType.find((s) => s.metric.request_type === type)!.value[1]);
    expect([ratio('LaunchRequest'), ratio('AlexaSkillEvent.SkillAccountLinked')]).toEqual([0, 0]);
    expect(ratio('IntentRequest')).toBeGreaterThan(0);
    const objective = vector(await run('namespace_job:alexa_slo_availability_objective:ratio'));
    expect(objective.map((s) => [s.metric, s.value[1]])).toEqual([
      [
        {
          __name__: 'namespace_job:alexa_slo_availability_objective:ratio',
          job: JOB,
          namespace: TARGET_LABELS.namespace,
        },
        '0.999',
      ],
    ]);
  });

  // What prometheus-adapter does with the rule: find the series with seriesQuery, then run metricsQuery with its
  // template filled in for the pods the HPA asks about.
  it("answers the prometheus-adapter rule's query with the service pod's request rate", async () => {
    const [rule] = (
      parse(readFileSync(ADAPTER_VALUES, 'utf8')) as {
        rules: { custom: Array<{ seriesQuery: string; metricsQuery: string }> };
      }
    ).rules.custom;
    const found = await prometheus.series(rule.seriesQuery, at - 600, at);
    expect([...new Set(found.map((s) => `${s.__name__} ${s.namespace}/${s.pod}`))]).toEqual([
      `alexa_requests_total ${TARGET_LABELS.namespace}/${TARGET_LABELS.pod}`,
    ]);
    const query = rule.metricsQuery
      .replaceAll('<<.Series>>', 'alexa_requests_total')
      .replaceAll('<<.LabelMatchers>>', `namespace="${TARGET_LABELS.namespace}",pod=~"${TARGET_LABELS.pod}"`)
      .replaceAll('<<.GroupBy>>', 'pod');
    const perPod = vector(await prometheus.query(query, at));
    expect(perPod.map((s) => s.metric)).toEqual([{ pod: TARGET_LABELS.pod }]);
    expect(Number(perPod[0].value[1])).toBeGreaterThan(0);
  });

  it('shows the link rate the script implies: 7 accepted tokens of 20 checks (10 with a token)', async () => {
    const [linkRate] = panelExpressions(/link rate/i);
    expect(await prometheus.value(substitute(linkRate.expr, variables), at)).toBeCloseTo(
      FUNNEL_EXPECTED.linkRate,
      12,
    );
  });

  it('shows the link conversion the script implies: 3 accounts linked of 12 link cards', async () => {
    const [conversion] = panelExpressions(/conversion/i);
    expect(await prometheus.value(substitute(conversion.expr, variables), at)).toBeCloseTo(
      FUNNEL_EXPECTED.linkConversion,
      12,
    );
  });

  it('loses nothing to extrapolation: every 1 h increase equals the raw counters', async () => {
    const hourly = expressions().filter(
      (e) => /increase\([^()]*\[1h\]\)/.test(e.expr) && !/rate\(/.test(e.expr),
    );
    expect(hourly.length).toBeGreaterThan(0);
    for (const e of hourly) {
      const raw = e.expr.replace(/increase\(([^()]*)\[1h\]\)/g, '$1');
      const [shown, counted] = await Promise.all([run(e.expr), run(raw)]);
      expect({ where: e.where, values: values(shown) }).toEqual({ where: e.where, values: values(counted) });
    }
  });

  it('stores the counts the script implies in the raw counters', async () => {
    const sel = `namespace="${TARGET_LABELS.namespace}", pod="${TARGET_LABELS.pod}"`;
    // `or vector(0)`: a series that never came to be counts as zero.
    const count = (expr: string) => prometheus.value(`${expr} or vector(0)`, at);
    const checks = (result: string) =>
      count(`sum(alexa_account_link_checks_total{${sel}, result="${result}"})`);
    const cards = (reason: string) =>
      count(`sum(alexa_account_link_cards_total{${sel}, reason="${reason}"})`);
    const verdicts = (verdict: string) =>
      count(`sum(alexa_account_link_token_verdicts_total{${sel}, verdict="${verdict}"})`);
    const failures = (reason: string) =>
      count(`sum(alexa_token_failures_total{${sel}, provider="music", reason="${reason}"})`);
    const requests = (outcome?: string) =>
      count(`sum(alexa_requests_total{${sel}${outcome ? `, outcome="${outcome}"` : ''}})`);
    expect({
      checks: {
        linked: await checks('linked'),
        unlinked: await checks('unlinked'),
        malformed: await checks('malformed'),
      },
      verdicts: {
        accepted: await verdicts('accepted'),
        rejected: await verdicts('rejected'),
        forbidden: await verdicts('forbidden'),
      },
      cards: {
        missing_token: await cards('missing_token'),
        token_rejected: await cards('token_rejected'),
        malformed_token: await cards('malformed_token'),
      },
      linkedEvents: await count(`sum(alexa_account_link_events_total{${sel}, event="linked"})`),
      tokenFailures: { missing: await failures('missing'), rejected: await failures('rejected') },
      requests: {
        total: await requests(),
        handler_error: await requests('handler_error'),
        rejected: await requests('rejected'),
      },
      verificationFailures: {
        signature: await count(`sum(alexa_verification_failures_total{${sel}, check="signature"})`),
      },
    }).toEqual({
      ...FUNNEL_EXPECTED,
      linkRate: undefined,
      linkConversion: undefined,
    });
  });

  it('shows the upstream story: a retried 503, then the breaker open', async () => {
    const [state] = panelExpressions(/breaker state/i);
    const answer = await run(state.expr);
    const music = vector(answer).find((s) => s.metric.provider === 'music');
    expect(music?.value[1]).toBe('2');
    expect(
      await prometheus.value(`sum(upstream_retries_total{job="${JOB}", provider="music", reason="503"})`, at),
    ).toBe(3);
  });

  it("keeps the release version as the target's label; Node's own version label becomes exported_version", async () => {
    const info = vector(await prometheus.query(`nodejs_version_info{job="${JOB}"}`, at));
    expect(info).toHaveLength(1);
    expect(info[0].metric).toMatchObject({
      version: TARGET_LABELS.version,
      exported_version: process.version,
    });
  });

  it('filters by the namespace variable: another namespace shows no data', async () => {
    const [linkRate] = panelExpressions(/link rate/i);
    const answer = await prometheus.query(
      substitute(linkRate.expr, { ...variables, namespace: 'elsewhere' }),
      at,
    );
    expect(vector(answer)).toEqual([]);
  });

  // The namespace and pod variables have no `allValue`: with "All" selected, Grafana puts in the pods its own
  // query found, so panels on common families (process_*, nodejs_*, http_requests_total) never sum other apps.
  it('shows only the service with "All" selected, even beside another app in the namespace', async () => {
    const resolved: Record<string, string> = { ...variables };
    for (const variable of templateQueries(dashboard)) {
      const parsed = parseLabelValues(substitute(variable.query, resolved))!;
      const series = await prometheus.series(parsed.match ?? '{__name__=~".+"}', at - 600, at);
      const options = [...new Set(series.map((s) => s[parsed.label]).filter(Boolean))].sort();
      resolved[variable.variable] = grafanaAllValue(variable, options);
    }
    const leaks: string[] = [];
    for (const e of expressions()) {
      const [all, service] = await Promise.all([
        prometheus.query(substitute(e.expr, resolved), at),
        run(e.expr),
      ]);
      if (JSON.stringify(values(all)) !== JSON.stringify(values(service))) leaks.push(e.where);
    }
    expect(leaks).toEqual([]);
  });

  function panelExpressions(title: RegExp): DashboardExpression[] {
    const found = expressions().filter((e) => title.test(e.panelTitle));
    if (found.length === 0) throw new Error(`no dashboard panel titled ${String(title)}`);
    return found;
  }
});

/** Why an answer shows nothing in Grafana, or undefined when it shows data (at least one finite number). */
function noData(answer: QueryAnswer): string | undefined {
  if (answer.status !== 'success' || !answer.data) return `${answer.errorType}: ${answer.error}`;
  const data = answer.data;
  if (data.resultType === 'scalar')
    return Number.isFinite(Number(data.result[1])) ? undefined : 'not a number';
  if (data.resultType !== 'vector') return `unexpected result type ${data.resultType}`;
  if (data.result.length === 0) return 'empty result (no series match)';
  if (!data.result.some((s) => Number.isFinite(Number(s.value[1])))) {
    return `no finite value (${data.result.map((s) => s.value[1]).join(', ')})`;
  }
  return undefined;
}

function vector(answer: QueryAnswer): Array<{ metric: Record<string, string>; value: [number, string] }> {
  if (answer.status !== 'success' || answer.data?.resultType !== 'vector') {
    throw new Error(`expected a vector: ${JSON.stringify(answer)}`);
  }
  return answer.data.result;
}

/** The sample values of a vector answer, keyed by their label sets (for comparing two queries). */
/** Series -> value, in a stable order (Prometheus does not promise one). */
function values(answer: QueryAnswer): Record<string, number> {
  const entries = vector(answer).map((s) => [JSON.stringify(s.metric), Number(s.value[1])] as const);
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}
