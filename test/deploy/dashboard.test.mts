// The Grafana dashboard (helm/skill-service/dashboards/skill-service.json): variables, rows, a title and a
// "healthy" description on every panel, every query scoped by $namespace/$pod and windowed by $__rate_interval
// (or 1h for the funnel), only the service's metrics, every metric shown somewhere, the link-rate queries as
// defined, the SLO row on the chart's recording rules (per release: $namespace only, 30-day windows as instant
// queries), and every expression accepted by promtool as a recording rule.
// Needs promtool (Debian package prometheus; scripts/verify-chart.sh installs it). PROMTOOL=path overrides.
/* eslint-disable @typescript-eslint/no-floating-promises -- node:test suites return promises the runner awaits */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderedAlertGroups } from '../../scripts/chart/alert-rules.mts';
import {
  allPanels,
  CONTRACT_METRICS,
  dashboardQueries,
  type DashboardQuery,
  loadDashboard,
  metricNames,
  PROCESS_METRIC,
  recordingRules,
  selectors,
} from '../../scripts/chart/dashboard.mts';

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const dashboard = loadDashboard();
const panels = allPanels(dashboard).filter((p) => p.type !== 'row');
const raw = dashboardQueries(dashboard, {});
/** The series the chart's PrometheusRule records (the SLO row reads them). */
const recorded = new Set(
  renderedAlertGroups()
    .flatMap((g) => g.rules)
    .flatMap((r) => (r.record ? [r.record] : [])),
);
const isRecorded = (q: DashboardQuery) => metricNames(q.expr).some((name) => recorded.has(name));
const SLO_ROW = 'Service level objectives (30 days)';

function checkRules(queries: DashboardQuery[]): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'skill-service-dashboard-'));
  try {
    writeFileSync(join(dir, 'dashboard.rules.yaml'), recordingRules(queries));
    const result = spawnSync(PROMTOOL, ['check', 'rules', join(dir, 'dashboard.rules.yaml')], {
      encoding: 'utf8',
    });
    if (result.error)
      assert.fail(
        `cannot run ${PROMTOOL} (${result.error.message}): run scripts/verify-chart.sh, which installs it`,
      );
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the dashboard', () => {
  it('has the datasource, namespace and pod variables', () => {
    const vars = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
    assert.equal(vars.datasource?.type, 'datasource');
    assert.equal(vars.datasource?.query, 'prometheus');
    for (const name of ['namespace', 'pod']) {
      assert.equal(vars[name]?.type, 'query');
      // No allValue: with "All", Grafana puts in the pods its own query found, never every app in the namespace.
      assert.equal(vars[name]?.allValue, undefined);
      assert.match(JSON.stringify(vars[name]?.query), /label_values\(/);
    }
  });

  it('has the traffic, verification, linking funnel and upstream rows', () => {
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
    for (const row of [
      'Traffic and latency',
      'Request verification',
      'Account linking funnel',
      'Upstreams',
      SLO_ROW,
    ])
      assert.ok(rows.includes(row), row);
  });

  it('gives every panel a title, a description of healthy values and the datasource variable', () => {
    for (const p of panels) {
      assert.ok(p.title, `panel ${p.id} has a title`);
      assert.match(p.description ?? '', /Healthy: /, `"${p.title}" says what healthy looks like`);
      assert.equal(p.datasource?.uid, '${datasource}', `"${p.title}" datasource`);
      assert.ok((p.targets ?? []).length > 0, `"${p.title}" has queries`);
      for (const t of p.targets ?? []) assert.equal(t.datasource?.uid, '${datasource}');
    }
  });

  it('lays panels out on the 24-column grid without overlaps and with unique IDs', () => {
    const all = allPanels(dashboard);
    assert.equal(new Set(all.map((p) => p.id)).size, all.length);
    const boxes = all.map((p) => ({ title: p.title, ...p.gridPos! }));
    for (const b of boxes) assert.ok(b.x >= 0 && b.x + b.w <= 24, `${b.title} fits the grid`);
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        assert.ok(!overlap, `${a.title} overlaps ${b.title}`);
      }
    }
  });

  it('scopes every query by $namespace and $pod and uses $__rate_interval (or 1h) windows', () => {
    for (const q of raw.filter((r) => !isRecorded(r))) {
      for (const s of selectors(q.expr))
        assert.match(s, /^namespace=~"\$namespace", pod=~"\$pod"/, `"${q.panel}" ${q.refId}: {${s}}`);
      for (const [, window] of q.expr.matchAll(/\[([^\]]+)\]/g))
        assert.ok(['$__rate_interval', '1h'].includes(window), `"${q.panel}" window [${window}]`);
    }
  });

  // An SLO belongs to the release, not to a pod: its series carry namespace and job only.
  it('reads the SLOs from the recording rules only, by $namespace, with 30-day windows as instant queries', () => {
    const row = dashboard.panels.find((p) => p.type === 'row' && p.title === SLO_ROW)!;
    const inRow = panels
      .filter((p) => p.gridPos!.y > row.gridPos!.y)
      .filter((p) => {
        const next = dashboard.panels.find((r) => r.type === 'row' && r.gridPos!.y > row.gridPos!.y);
        return !next || p.gridPos!.y < next.gridPos!.y;
      });
    assert.ok(inRow.length >= 6);
    const rowQueries = raw.filter((q) => inRow.some((p) => p.id === q.panelId));
    assert.deepEqual(
      raw.filter(isRecorded).map((q) => `${q.panelId}${q.refId}`),
      rowQueries.map((q) => `${q.panelId}${q.refId}`),
      'recorded series are read in the SLO row, and the SLO row reads only recorded series',
    );
    for (const q of rowQueries) {
      for (const name of metricNames(q.expr))
        assert.ok(recorded.has(name), `"${q.panel}": ${name} is not recorded`);
      for (const s of selectors(q.expr))
        assert.equal(s, 'namespace=~"$namespace"', `"${q.panel}" ${q.refId}`);
      const windows = [...q.expr.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]);
      for (const window of windows) assert.equal(window, '30d', `"${q.panel}" window [${window}]`);
      if (windows.length > 0) {
        const target = inRow.find((p) => p.id === q.panelId)!.targets!.find((t) => t.refId === q.refId)!;
        assert.deepEqual(
          [target.instant, target.range],
          [true, false],
          `"${q.panel}": a 30-day window per point of a range query would read 30 days for every step`,
        );
      }
    }
    const shown = new Set(rowQueries.flatMap((q) => metricNames(q.expr)));
    for (const name of recorded) assert.ok(shown.has(name), `the SLO row does not show ${name}`);
  });

  it('queries only the service metrics and the recorded SLOs, and shows each metric', () => {
    const used = new Set(raw.flatMap((q) => metricNames(q.expr)));
    for (const name of used)
      assert.ok(
        CONTRACT_METRICS.includes(name) || PROCESS_METRIC.test(name) || recorded.has(name),
        `unknown metric ${name}`,
      );
    for (const name of CONTRACT_METRICS) assert.ok(used.has(name), `no panel shows ${name}`);
  });

  it('defines the link rates as accepted tokens / all checks and linked events / link cards over 1 h', () => {
    const exprs = raw.map((q) => q.expr.replace(/\s+/g, ''));
    const sel = 'namespace=~"$namespace",pod=~"$pod"';
    assert.ok(
      exprs.includes(
        `sum(increase(alexa_account_link_token_verdicts_total{${sel},verdict="accepted"}[1h]))/sum(increase(alexa_account_link_checks_total{${sel}}[1h]))`,
      ),
    );
    assert.ok(
      exprs.includes(
        `sum(increase(alexa_account_link_events_total{${sel},event="linked"}[1h]))/sum(increase(alexa_account_link_cards_total{${sel}}[1h]))`,
      ),
    );
  });

  it('has expressions that all pass promtool check rules as recording rules', () => {
    const queries = dashboardQueries(dashboard);
    assert.ok(queries.length >= 25);
    for (const q of queries) assert.doesNotMatch(q.expr, /\$/, `"${q.panel}" still has a variable`);
    const { ok, output } = checkRules(queries);
    assert.ok(ok, output);
    assert.match(output, new RegExp(`SUCCESS: ${queries.length} rules found`));
  });

  it('would be caught by promtool with a broken expression', () => {
    const broken = [...dashboardQueries(dashboard)];
    broken[0] = { ...broken[0], expr: `${broken[0].expr} by (` };
    assert.equal(checkRules(broken).ok, false);
  });
});
