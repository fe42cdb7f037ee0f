import type { Registry } from 'prom-client';

// The project's metric conventions as code: Prometheus naming (https://prometheus.io/docs/practices/naming/),
// help text on every metric, and labels only from an allow-list whose values are known and bounded.
// Used by the registry unit spec (libs/metrics) and the full-app registry test (test/observability).

export type MetricKind = 'counter' | 'gauge' | 'histogram' | 'summary';

/** One metric family as the registry declares it, with the label sets of its current series. */
export interface MetricFamily {
  name: string;
  help: string;
  type: MetricKind;
  /** Label names declared when the metric was created (`le`/`quantile` not included). */
  labelNames: readonly string[];
  /** Labels of every current series (histogram `le` removed). */
  series: ReadonlyArray<Readonly<Record<string, string>>>;
}

/**
 * Allowed values of a label: a list, a pattern for names that come from code (class or client names), or a
 * predicate (e.g. "a route the server registered").
 */
export type ValueRule = readonly string[] | RegExp | ((value: string) => boolean);

export interface LabelPolicy {
  /** Why the values are bounded, said in one line (shown in failures). */
  bound: string;
  /** Allowed values; a map from metric name where one label name carries different value sets. */
  values: ValueRule | Readonly<Record<string, ValueRule>>;
}

/** Label name -> its policy. A label that is not in the list is refused. */
export type LabelAllowList = Readonly<Record<string, LabelPolicy>>;

export interface ConventionOptions {
  /** Labels allowed on the project's own metrics. */
  labels: LabelAllowList;
  /**
   * Families owned by a library we do not name (prom-client's default process metrics). They need help text
   * and allowed labels too, but keep their upstream names (e.g. the gauge `nodejs_active_handles_total`).
   */
  isForeign?: (name: string) => boolean;
  /** Labels allowed on foreign families. @default the same list */
  foreignLabels?: LabelAllowList;
}

/** Target labels (added by the scrape: ServiceMonitor, relabelling) that a series must never carry itself. */
export const TARGET_LABELS = ['job', 'instance', 'namespace', 'pod', 'service', 'container', 'endpoint'];

/** Suffixes that name a non-base unit; Prometheus uses seconds, bytes, ratios. */
const NON_BASE_UNITS =
  /_(milliseconds|millis|ms|microseconds|us|nanoseconds|ns|minutes|hours|days|kilobytes|megabytes|gigabytes|kb|mb|gb|percent|pct)(_|$)/;
/** Histograms and summaries measure something: their name ends with its base unit. */
const MEASURED_UNIT = /_(seconds|bytes|ratio)$/;
const SNAKE_CASE = /^[a-z][a-z0-9_]*$/;
/** Suffixes the exposition format itself adds to histogram and summary series. */
const RESERVED_SUFFIX = /_(bucket|sum|count|created)$/;

/** Reads every family of a registry: declared label names from the metric objects, series from their values. */
export async function readRegistry(registry: Registry): Promise<MetricFamily[]> {
  const declared = new Map(
    registry
      .getMetricsAsArray()
      .map((metric) => [metric.name, (metric as { labelNames?: string[] }).labelNames ?? []]),
  );
  const families = await registry.getMetricsAsJSON();
  return families.map((family) => ({
    name: family.name,
    help: family.help,
    type: String(family.type) as MetricKind,
    labelNames: declared.get(family.name) ?? [],
    series: family.values.map((value) => {
      const labels: Record<string, string> = {};
      for (const [key, v] of Object.entries(value.labels)) {
        if (key !== 'le' && key !== 'quantile') labels[key] = String(v);
      }
      return labels;
    }),
  }));
}

/** Every breach of the conventions, one readable line each (empty when all is well). */
export function checkConventions(families: readonly MetricFamily[], options: ConventionOptions): string[] {
  const problems: string[] = [];
  for (const family of families) {
    const foreign = options.isForeign?.(family.name) ?? false;
    const say = (problem: string) => problems.push(`${family.name}: ${problem}`);

    const help = family.help.trim();
    if (help === '' || help === family.name) say('has no help text');
    else if (help.length < 12) say(`help text "${help}" says too little`);

    if (!foreign) checkName(family, say);

    const policies = foreign ? (options.foreignLabels ?? options.labels) : options.labels;
    const labelNames = new Set([...family.labelNames, ...family.series.flatMap((s) => Object.keys(s))]);
    for (const label of labelNames) {
      if (!SNAKE_CASE.test(label)) say(`label "${label}" is not snake_case`);
      if (TARGET_LABELS.includes(label)) {
        say(`label "${label}" is a target label: the scrape adds it, a series must not carry it`);
        continue;
      }
      const policy = policies[label];
      if (!policy) {
        say(`label "${label}" is not in the allow-list of bounded labels`);
        continue;
      }
      const rule = ruleFor(policy, family.name);
      if (!rule) {
        say(`label "${label}" has no value set for this metric`);
        continue;
      }
      for (const series of family.series) {
        const value = series[label];
        if (value !== undefined && !allows(rule, value)) {
          say(`label ${label}="${value}" is outside its known values (${policy.bound})`);
        }
      }
    }
  }
  return problems;
}

function checkName(family: MetricFamily, say: (problem: string) => void): void {
  const { name, type } = family;
  if (!SNAKE_CASE.test(name)) say('name is not lower snake_case (colons are for recording rules)');
  if (type === 'counter' && !name.endsWith('_total')) say('counter name must end in "_total"');
  if (type !== 'counter' && name.endsWith('_total')) say(`a ${type} must not end in "_total"`);
  if (RESERVED_SUFFIX.test(name)) say('name ends with a suffix the exposition format reserves');
  if (NON_BASE_UNITS.test(name)) say('name uses a non-base unit (use seconds, bytes or a ratio)');
  if ((type === 'histogram' || type === 'summary') && !MEASURED_UNIT.test(name)) {
    say(`a ${type} name must end with its base unit (_seconds, _bytes, _ratio)`);
  }
}

function ruleFor(policy: LabelPolicy, metric: string): ValueRule | undefined {
  const { values } = policy;
  if (Array.isArray(values) || values instanceof RegExp || typeof values === 'function') {
    return values as ValueRule;
  }
  return (values as Readonly<Record<string, ValueRule>>)[metric];
}

function allows(rule: ValueRule, value: string): boolean {
  if (rule instanceof RegExp) return rule.test(value);
  if (typeof rule === 'function') return rule(value);
  return rule.includes(value);
}
