import { readFileSync } from 'node:fs';

// Reads a Grafana dashboard JSON the way the e2e test needs it: EVERY PromQL expression wherever it sits
// (panel targets, rows' nested panels, annotations), the template variables' queries, and Grafana's
// variable substitution.

export interface DashboardExpression {
  /** Where it sits, e.g. `panel 12 "Link rate (...)" target A`. */
  where: string;
  panelTitle: string;
  refId: string;
  expr: string;
}

export interface TemplateQuery {
  variable: string;
  query: string;
  /** What "All" stands for when set; otherwise Grafana joins every option into a regex. */
  allValue?: string;
}

export function loadDashboard(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

/** Every object with a string `expr`, found by walking the whole document. */
export function dashboardExpressions(dashboard: unknown): DashboardExpression[] {
  const found: DashboardExpression[] = [];
  const walk = (node: unknown, panel: { id: string; title: string } | undefined, path: string) => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => walk(child, panel, `${path}[${i}]`));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const object = node as Record<string, unknown>;
    const isPanel = typeof object.type === 'string' && ('targets' in object || 'gridPos' in object);
    const here = isPanel ? { id: text(object.id), title: text(object.title) } : panel;
    if (typeof object.expr === 'string' && object.expr.trim() !== '') {
      const refId = text(object.refId) || '?';
      found.push({
        where: here ? `panel ${here.id} "${here.title}" target ${refId}` : `${path} ${refId}`,
        panelTitle: here?.title ?? '',
        refId,
        expr: object.expr,
      });
    }
    for (const [key, value] of Object.entries(object)) {
      if (key !== 'expr') walk(value, here, `${path}.${key}`);
    }
  };
  walk(dashboard, undefined, '$');
  return found;
}

/** The queries of the dashboard's `query` variables (e.g. `label_values(alexa_requests_total, namespace)`). */
export function templateQueries(dashboard: unknown): TemplateQuery[] {
  const list =
    (dashboard as { templating?: { list?: Array<Record<string, unknown>> } }).templating?.list ?? [];
  return list
    .filter((v) => v.type === 'query')
    .map((v) => {
      const q = v.query;
      const query = typeof q === 'string' ? q : text((q as { query?: unknown } | undefined)?.query);
      const allValue = typeof v.allValue === 'string' && v.allValue !== '' ? v.allValue : undefined;
      return { variable: text(v.name), query, allValue };
    });
}

/** Grafana's `$name`, `${name}`, `${name:format}` and `[[name]]`; unknown variables stay as they are. */
export function substitute(expr: string, variables: Readonly<Record<string, string>>): string {
  return expr.replace(
    /\$\{(\w+)(?::[\w-]+)?\}|\$(\w+)|\[\[(\w+)\]\]/g,
    (match, a?: string, b?: string, c?: string) => {
      const name = (a ?? b ?? c)!;
      return Object.hasOwn(variables, name) ? variables[name] : match;
    },
  );
}

/**
 * What Grafana puts in for a multi-value variable with "All" selected: its `allValue` when set, otherwise every
 * option, regex-escaped and joined as `(a|b)` (the Prometheus data source's formatting).
 */
export function grafanaAllValue(variable: TemplateQuery, options: readonly string[]): string {
  if (variable.allValue !== undefined) return variable.allValue;
  const escaped = options.map((o) => o.replace(/[\\^$*+?.()|[\]{}]/g, '\\\\$&'));
  return `(${escaped.join('|')})`;
}

/** `label_values(selector, label)` or `label_values(label)`, as Grafana's Prometheus data source reads it. */
export function parseLabelValues(query: string): { match?: string; label: string } | undefined {
  const m = /^\s*label_values\(\s*(?:(.+?)\s*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/.exec(query);
  return m ? { match: m[1], label: m[2] } : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
