// The Grafana dashboard's PromQL, for checks outside Grafana: every target expression, with Grafana's variables
// substituted, as a Prometheus recording-rules file that `promtool check rules` parses (scripts/verify-chart.sh),
// or as plain queries for a real Prometheus (the observability e2e test can import dashboardQueries()).
// Usage: node scripts/chart/dashboard.mts --rules OUT_FILE
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CHART } from './chart.mts';

export const DASHBOARD_FILE = join(CHART, 'dashboards', 'skill-service.json');

/** The service's own metric names (one list, `helm/skill-service/metrics-contract.json`, read by the e2e tests too). */
export const CONTRACT_METRICS: readonly string[] = (
  JSON.parse(readFileSync(join(CHART, 'metrics-contract.json'), 'utf8')) as { metrics: string[] }
).metrics;
/** prom-client's default process metrics, and Prometheus' own `up`. */
export const PROCESS_METRIC = /^(process_|nodejs_)|^up$/;

/** The metric names a PromQL expression selects (names followed by a label matcher or a range). */
export function metricNames(expr: string): string[] {
  const names = [...expr.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{/g)].map((m) => m[1]);
  return [...new Set(names.map((n) => n.replace(/_(bucket|sum|count)$/, '')))];
}

/** The label matchers of every vector selector in a PromQL expression. */
export function selectors(expr: string): string[] {
  return [...expr.matchAll(/\b[a-zA-Z_:][a-zA-Z0-9_:]*\s*\{([^}]*)\}/g)].map((m) => m[1]);
}

export interface DashboardTarget {
  refId: string;
  expr: string;
  legendFormat?: string;
  datasource?: { type?: string; uid?: string };
  instant?: boolean;
  range?: boolean;
}
export interface DashboardPanel {
  id: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { x: number; y: number; w: number; h: number };
  targets?: DashboardTarget[];
  panels?: DashboardPanel[];
}
export interface Dashboard {
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: { list: { name: string; type: string; query?: unknown; allValue?: string }[] };
}

export interface DashboardQuery {
  panel: string;
  panelId: number;
  refId: string;
  expr: string;
}

/** Values Grafana would put in for the dashboard's variables (a real Prometheus accepts all of them). */
export const DEFAULT_VARIABLES: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '30s',
  __range: '1h',
  namespace: '.*',
  pod: '.*',
  datasource: 'prometheus',
};

export function loadDashboard(file = DASHBOARD_FILE): Dashboard {
  return JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
}

/** Every panel, rows' nested panels included, in order. */
export function allPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Replaces $name, ${name} and [[name]] with the given values; unknown variables are left in place. */
export function substitute(expr: string, variables: Record<string, string> = DEFAULT_VARIABLES): string {
  return expr.replace(
    /\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g,
    (match, a?: string, b?: string, c?: string) => {
      const name = (a ?? b ?? c)!;
      return Object.hasOwn(variables, name) ? variables[name] : match;
    },
  );
}

/** Every target expression of the dashboard, variables substituted. */
export function dashboardQueries(
  dashboard: Dashboard = loadDashboard(),
  variables = DEFAULT_VARIABLES,
): DashboardQuery[] {
  return allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((t) => ({
      panel: panel.title ?? '',
      panelId: panel.id,
      refId: t.refId,
      expr: substitute(t.expr, variables),
    })),
  );
}

/** A recording-rules file with one rule per expression (dashboard:panel_<id>_<refId>). */
export function recordingRules(queries: DashboardQuery[]): string {
  const rules = queries.map((q) => ({ record: `dashboard:panel_${q.panelId}_${q.refId}`, expr: q.expr }));
  return stringify({ groups: [{ name: 'dashboard-expressions', rules }] }, { lineWidth: 0 });
}

if (import.meta.main) {
  const at = process.argv.indexOf('--rules');
  const out = at >= 0 ? process.argv[at + 1] : undefined;
  if (!out) {
    console.error('usage: dashboard.mts --rules OUT_FILE');
    process.exit(2);
  }
  const queries = dashboardQueries();
  const leftover = queries.filter((q) => q.expr.includes('$'));
  if (leftover.length > 0) {
    for (const q of leftover)
      console.error(`dashboard: unsubstituted variable in "${q.panel}" ${q.refId}: ${q.expr}`);
    process.exit(1);
  }
  writeFileSync(out, recordingRules(queries));
  console.log(`dashboard: ${queries.length} expressions written to ${out}`);
}
