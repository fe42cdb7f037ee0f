// Medians, ratios to the same run's baselines, the performance targets, the printed table.
import type { LoadFigures } from './load.ts';
import type { ScenarioKey } from './options.ts';
import type { BurstResult, LeakResult, SessionResult } from './session.ts';

export type ScenarioStatus = 'ok' | 'skipped' | 'failed' | 'not run';

export interface ScenarioRecord {
  id: number;
  key: ScenarioKey;
  title: string;
  description: string;
  status: ScenarioStatus;
  reason?: string;
  sessions: SessionResult[];
}

/** The figures of one scenario at one connection level: medians over the repetitions. */
export interface LevelSummary {
  connections: number;
  repetitions: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  cpu_us_per_request: number | null;
  /** The kernel (stime) share of cpu_us_per_request. */
  kernel_cpu_us_per_request: number | null;
  rss_mb: number | null;
  requests: number;
  errors: number;
  error_rate: number;
  ratio_to_ceiling: number | null;
  ratio_to_official: number | null;
  cpu_ratio_to_ceiling: number | null;
  cpu_ratio_to_official: number | null;
  p99_ratio_to_official: number | null;
  /** The server's CPU and context switches per request by thread name (event loop `node`, pool, V8), medians. */
  threads?: Record<string, { cpu_us: number | null; switches: number | null }>;
  /** Side processes' CPU per request (the fake upstream in scenario 5), medians. */
  side_cpu_us_per_request?: Record<string, number | null>;
  /** Every repetition's raw figures. */
  runs: { rps: number[]; p50_ms: number[]; p99_ms: number[]; cpu_us_per_request: (number | null)[] };
}

export interface ScenarioSummary {
  id: number;
  key: ScenarioKey;
  title: string;
  description: string;
  status: ScenarioStatus;
  reason?: string;
  /** Median over repetitions of the server's peak RSS (VmHWM), MB. */
  peak_rss_mb: number | null;
  rss_ratio_to_ceiling: number | null;
  rss_ratio_to_official: number | null;
  /** What the server said to the sanity request (speech). */
  sample_answer: string | null;
  levels: Record<string, LevelSummary>;
}

export interface BurstSummary {
  status: ScenarioStatus;
  reason?: string;
  requests: number;
  repetitions: number;
  /** Median time to answer all of them. */
  elapsed_ms: number | null;
  p50_ms: number | null;
  max_ms: number | null;
  /** The most certificate loads seen in any repetition (must be 1). */
  certificate_loads: number | null;
  ok: number | null;
  cpu_us_per_request: number | null;
  peak_rss_mb: number | null;
  simulated_download_ms: number | null;
  runs: BurstResult[];
}

export type TargetStatus = 'PASS' | 'MISS' | 'N/A';

export interface TargetResult {
  id: string;
  description: string;
  status: TargetStatus;
  actual: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function medianOrNull(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return present.length === 0 ? null : median(present);
}

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a === null || a === undefined || b === null || b === undefined || b === 0 ? null : a / b;
}

function levelFigures(record: ScenarioRecord, connections: number): LoadFigures[] {
  return record.sessions.flatMap((s) => s.levels.filter((l) => l.connections === connections));
}

function threadMedians(figures: LoadFigures[]): Pick<LevelSummary, 'threads'> {
  const names = [...new Set(figures.flatMap((f) => Object.keys(f.threads ?? {})))];
  if (names.length === 0) return {};
  return {
    threads: Object.fromEntries(
      names.map((name) => [
        name,
        {
          cpu_us: medianOrNull(figures.map((f) => f.threads?.[name]?.cpuUs ?? null)),
          switches: medianOrNull(figures.map((f) => f.threads?.[name]?.switches ?? null)),
        },
      ]),
    ),
  };
}

export function summarise(
  records: readonly ScenarioRecord[],
  connections: readonly number[],
): ScenarioSummary[] {
  const base: ScenarioSummary[] = records.map((record) => {
    const levels: Record<string, LevelSummary> = {};
    for (const c of connections) {
      const figures = levelFigures(record, c);
      if (figures.length === 0) continue;
      const requests = figures.reduce((sum, f) => sum + f.requests, 0);
      const errors = figures.reduce((sum, f) => sum + f.errors, 0);
      const sideNames = Object.keys(figures[0].sideCpuUsPerRequest ?? {});
      levels[String(c)] = {
        connections: c,
        repetitions: figures.length,
        rps: median(figures.map((f) => f.rps)),
        p50_ms: median(figures.map((f) => f.p50Ms)),
        p99_ms: median(figures.map((f) => f.p99Ms)),
        cpu_us_per_request: medianOrNull(figures.map((f) => f.cpuUsPerRequest)),
        kernel_cpu_us_per_request: medianOrNull(figures.map((f) => f.sysUsPerRequest)),
        rss_mb: medianOrNull(figures.map((f) => f.rssMb)),
        requests,
        errors,
        error_rate: requests === 0 ? 0 : errors / requests,
        ratio_to_ceiling: null,
        ratio_to_official: null,
        cpu_ratio_to_ceiling: null,
        cpu_ratio_to_official: null,
        p99_ratio_to_official: null,
        ...threadMedians(figures),
        ...(sideNames.length > 0
          ? {
              side_cpu_us_per_request: Object.fromEntries(
                sideNames.map((name) => [
                  name,
                  medianOrNull(figures.map((f) => f.sideCpuUsPerRequest?.[name] ?? null)),
                ]),
              ),
            }
          : {}),
        runs: {
          rps: figures.map((f) => f.rps),
          p50_ms: figures.map((f) => f.p50Ms),
          p99_ms: figures.map((f) => f.p99Ms),
          cpu_us_per_request: figures.map((f) => f.cpuUsPerRequest),
        },
      };
    }
    return {
      id: record.id,
      key: record.key,
      title: record.title,
      description: record.description,
      status: record.status,
      ...(record.reason ? { reason: record.reason } : {}),
      peak_rss_mb: medianOrNull(record.sessions.map((s) => s.peakRssMb)),
      rss_ratio_to_ceiling: null,
      rss_ratio_to_official: null,
      sample_answer: record.sessions[0]?.answer ?? null,
      levels,
    };
  });
  const ceiling = base.find((s) => s.key === 'ceiling');
  const official = base.find((s) => s.key === 'official');
  for (const summary of base) {
    summary.rss_ratio_to_ceiling = ratio(summary.peak_rss_mb, ceiling?.peak_rss_mb);
    summary.rss_ratio_to_official = ratio(summary.peak_rss_mb, official?.peak_rss_mb);
    for (const [c, level] of Object.entries(summary.levels)) {
      const ceil = ceiling?.levels[c];
      const off = official?.levels[c];
      level.ratio_to_ceiling = ratio(level.rps, ceil?.rps);
      level.ratio_to_official = ratio(level.rps, off?.rps);
      level.cpu_ratio_to_ceiling = ratio(level.cpu_us_per_request, ceil?.cpu_us_per_request);
      level.cpu_ratio_to_official = ratio(level.cpu_us_per_request, off?.cpu_us_per_request);
      level.p99_ratio_to_official = ratio(level.p99_ms, off?.p99_ms);
    }
  }
  return base;
}

export function summariseBurst(
  status: ScenarioStatus,
  reason: string | undefined,
  runs: BurstResult[],
  requests: number,
): BurstSummary {
  const loads = runs.map((r) => r.certificateLoads).filter((l): l is number => l !== null);
  return {
    status,
    ...(reason ? { reason } : {}),
    requests,
    repetitions: runs.length,
    elapsed_ms: medianOrNull(runs.map((r) => r.elapsedMs)),
    p50_ms: medianOrNull(runs.map((r) => r.p50Ms)),
    max_ms: medianOrNull(runs.map((r) => r.maxMs)),
    certificate_loads: loads.length === 0 ? null : Math.max(...loads),
    ok: runs.length === 0 ? null : Math.min(...runs.map((r) => r.ok)),
    cpu_us_per_request: medianOrNull(runs.map((r) => r.cpuUsPerRequest)),
    peak_rss_mb: medianOrNull(runs.map((r) => r.peakRssMb)),
    simulated_download_ms: runs[0]?.simulatedDownloadMs ?? null,
    runs,
  };
}

const fmt = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);

function target(
  id: string,
  description: string,
  actual: number | null | undefined,
  limit: number | null | undefined,
  compare: 'min' | 'max' | 'below',
  unit: string,
  digits = 2,
): TargetResult {
  if (actual === null || actual === undefined || limit === null || limit === undefined) {
    return { id, description, status: 'N/A', actual: 'not measured' };
  }
  const pass = compare === 'min' ? actual >= limit : compare === 'max' ? actual <= limit : actual < limit;
  const sign = compare === 'min' ? '>=' : compare === 'max' ? '<=' : '<';
  return {
    id,
    description,
    status: pass ? 'PASS' : 'MISS',
    actual: `${fmt(actual, digits)}${unit} (needs ${sign} ${fmt(limit, digits)}${unit})`,
  };
}

/** Connection levels the targets are judged at. */
const TARGET_LEVELS = [16, 64] as const;

export function evaluateTargets(
  scenarios: readonly ScenarioSummary[],
  burst: BurstSummary | undefined,
  leak: LeakResult | undefined,
): TargetResult[] {
  const at = (key: ScenarioKey, c: number): LevelSummary | undefined =>
    scenarios.find((s) => s.key === key && s.status === 'ok')?.levels[String(c)];
  const okScenario = (key: ScenarioKey) => scenarios.find((s) => s.key === key && s.status === 'ok');
  const full16 = at('service_signed', 16);
  const redis16 = at('service_signed_redis', 16);
  const targets: TargetResult[] = [];
  for (const c of TARGET_LEVELS) {
    targets.push(
      target(
        `signed_cpu_vs_official_${c}`,
        `(4) signed path CPU per request / (2) official adapter's (verifiers off), ${c} connections, <= 1.3x`,
        ratio(at('service_signed', c)?.cpu_us_per_request, at('official', c)?.cpu_us_per_request),
        1.3,
        'max',
        'x',
      ),
    );
  }
  for (const c of TARGET_LEVELS) {
    targets.push(
      target(
        `linked_cpu_vs_handwritten_${c}`,
        `(5) linked path CPU per request / (10) hand-written Express + axios skill's, ${c} connections, <= 1.0x`,
        ratio(at('service_linked', c)?.cpu_us_per_request, at('handwritten_linked', c)?.cpu_us_per_request),
        1.0,
        'max',
        'x',
      ),
    );
  }
  targets.push(
    target(
      'linked_p99_64',
      '(5) linked path p99 at 64 connections <= (10) hand-written skill p99 at 64',
      at('service_linked', 64)?.p99_ms,
      at('handwritten_linked', 64)?.p99_ms,
      'max',
      ' ms',
    ),
    target(
      'rss_signed',
      '(4) peak RSS < 150 MB',
      okScenario('service_signed')?.peak_rss_mb,
      150,
      'below',
      ' MB',
      1,
    ),
    target(
      'rss_linked',
      '(5) peak RSS < 170 MB',
      okScenario('service_linked')?.peak_rss_mb,
      170,
      'below',
      ' MB',
      1,
    ),
  );
  const measured = scenarios.filter((s) => s.status === 'ok');
  const errors = measured.reduce(
    (sum, s) => sum + Object.values(s.levels).reduce((n, l) => n + l.errors, 0),
    0,
  );
  const requests = measured.reduce(
    (sum, s) => sum + Object.values(s.levels).reduce((n, l) => n + l.requests, 0),
    0,
  );
  targets.push({
    id: 'no_errors',
    description: 'errors in every measured window of every scenario: 0',
    status: measured.length === 0 ? 'N/A' : errors === 0 ? 'PASS' : 'MISS',
    actual: measured.length === 0 ? 'not measured' : `${errors} of ${requests} requests`,
  });
  targets.push(
    target(
      'no_leak',
      `RSS after ${leak ? leak.series.length * (leak.series[0]?.afterRequests ?? 0) : '200k'} requests within 10% of RSS after the first batch (each read after a full GC)`,
      leak?.growth === null || leak?.growth === undefined ? null : leak.growth * 100,
      10,
      'max',
      ' %',
      1,
    ),
  );
  targets.push(
    target(
      'shared_state_cpu',
      '(7) Redis store: server CPU per request at most 25 us above (4), the in-memory store (16 connections)',
      redis16?.cpu_us_per_request != null && full16?.cpu_us_per_request != null
        ? redis16.cpu_us_per_request - full16.cpu_us_per_request
        : null,
      25,
      'max',
      ' us',
      1,
    ),
  );
  const burstTarget: TargetResult =
    burst?.status === 'ok' && burst.certificate_loads !== null
      ? {
          id: 'cold_burst_single_load',
          description: `(6) ${burst.requests} concurrent signed requests on a cold cache load the certificate once`,
          status: burst.certificate_loads === 1 && burst.ok === burst.requests ? 'PASS' : 'MISS',
          actual: `${burst.certificate_loads} load(s), ${burst.ok}/${burst.requests} answered 200`,
        }
      : {
          id: 'cold_burst_single_load',
          description: '(6) a cold-cache burst loads the certificate once',
          status: 'N/A',
          actual: 'not measured',
        };
  targets.push(burstTarget);
  return targets;
}

/** The one table: every scenario and connection level, medians and ratios. */
export function renderTable(scenarios: readonly ScenarioSummary[], burst: BurstSummary | undefined): string {
  const header = [
    'scenario',
    'conns',
    'req/s',
    'x ceil',
    'x offic',
    'p50 ms',
    'p99 ms',
    'CPU us/req',
    'kernel',
    'x ceil',
    'x offic',
    'peak RSS MB',
    'errors',
  ];
  const rows: (string[] | string)[] = [];
  for (const s of scenarios) {
    const name = `${s.id} ${s.title}`;
    if (s.status !== 'ok') {
      rows.push(`${name}: ${s.status.toUpperCase()}${s.reason ? ` (${s.reason})` : ''}`);
      continue;
    }
    for (const level of Object.values(s.levels)) {
      rows.push([
        name,
        String(level.connections),
        fmt(level.rps),
        fmt(level.ratio_to_ceiling, 2),
        fmt(level.ratio_to_official, 2),
        fmt(level.p50_ms, 2),
        fmt(level.p99_ms, 2),
        fmt(level.cpu_us_per_request, 1),
        fmt(level.kernel_cpu_us_per_request, 1),
        fmt(level.cpu_ratio_to_ceiling, 2),
        fmt(level.cpu_ratio_to_official, 2),
        fmt(s.peak_rss_mb, 1),
        `${level.errors}/${level.requests}`,
      ]);
    }
  }
  const dataRows = rows.filter((r): r is string[] => Array.isArray(r));
  const widths = header.map((h, i) => Math.max(h.length, ...dataRows.map((r) => r[i].length)));
  const line = (cells: string[] | string): string =>
    typeof cells === 'string'
      ? cells
      : cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  if (burst) {
    out.push('');
    if (burst.status === 'ok') {
      out.push(
        `6 cold certificate burst: ${burst.requests} concurrent signed requests, cold cache ` +
          `(certificate load delayed ${burst.simulated_download_ms} ms to stand in for the S3 download): ` +
          `all answered in ${fmt(burst.elapsed_ms, 0)} ms (median of ${burst.repetitions}; p50 ${fmt(burst.p50_ms, 0)} ms), ` +
          `${burst.ok}/${burst.requests} answered 200, certificate loads ${burst.certificate_loads ?? '?'}, ` +
          `server CPU ${fmt(burst.cpu_us_per_request, 0)} us/req cold, peak RSS ${fmt(burst.peak_rss_mb, 1)} MB`,
      );
    } else {
      out.push(`6 cold certificate burst: ${burst.status.toUpperCase()}: ${burst.reason ?? ''}`);
    }
  }
  return out.join('\n');
}

export function renderTargets(targets: readonly TargetResult[]): string {
  return targets.map((t) => `  ${t.status.padEnd(4)}  ${t.description}: ${t.actual}`).join('\n');
}

/** What sharing state through Redis costs per request: (7) against (4), same run, per connection level. */
export function sharedStateCost(scenarios: readonly ScenarioSummary[]): string[] {
  const memory = scenarios.find((s) => s.key === 'service_signed' && s.status === 'ok');
  const redis = scenarios.find((s) => s.key === 'service_signed_redis' && s.status === 'ok');
  if (!memory || !redis) return [];
  const delta = (a: number | null, b: number | null): string => {
    if (a === null || b === null) return '?';
    const d = a - b;
    return `${d >= 0 ? '+' : ''}${d.toFixed(1)}`;
  };
  const lines: string[] = [];
  for (const [connections, shared] of Object.entries(redis.levels)) {
    const local = memory.levels[connections];
    if (!local) continue;
    const redisCpu = shared.side_cpu_us_per_request?.redis;
    lines.push(
      `shared state, (7) Redis vs (4) memory at ${connections} connections: req/s ${fmt(ratio(shared.rps, local.rps), 2)}x, ` +
        `p50 ${delta(shared.p50_ms, local.p50_ms)} ms, service CPU ${delta(shared.cpu_us_per_request, local.cpu_us_per_request)} us/req, ` +
        `redis-server ${redisCpu == null ? '?' : redisCpu.toFixed(1)} us/req`,
    );
  }
  return lines;
}

/** What tracing costs on the linked path: scenarios 8 (10 % sampled) and 9 (100 %) against 5 (off), same run. */
export function tracingCost(scenarios: readonly ScenarioSummary[]): string[] {
  const off = scenarios.find((s) => s.key === 'service_linked' && s.status === 'ok');
  if (!off) return [];
  const delta = (a: number | null | undefined, b: number | null | undefined, digits = 1): string => {
    if (a == null || b == null) return '?';
    const d = a - b;
    return `${d >= 0 ? '+' : ''}${d.toFixed(digits)}`;
  };
  const lines: string[] = [];
  for (const [key, share] of [
    ['service_linked_traced_10', '10 %'],
    ['service_linked_traced_100', '100 %'],
  ] as const) {
    const traced = scenarios.find((s) => s.key === key && s.status === 'ok');
    if (!traced) continue;
    for (const [connections, on] of Object.entries(traced.levels)) {
      const base = off.levels[connections];
      if (!base) continue;
      const collector = on.side_cpu_us_per_request?.collector;
      lines.push(
        `tracing, ${share} sampled vs off (${traced.id} vs 5) at ${connections} connections: req/s ${fmt(ratio(on.rps, base.rps), 2)}x, ` +
          `p50 ${delta(on.p50_ms, base.p50_ms, 2)} ms, p99 ${delta(on.p99_ms, base.p99_ms, 2)} ms, ` +
          `service CPU ${delta(on.cpu_us_per_request, base.cpu_us_per_request)} us/req, ` +
          `peak RSS ${delta(traced.peak_rss_mb, off.peak_rss_mb)} MB, OTLP sink ${collector == null ? '?' : collector.toFixed(1)} us/req`,
      );
    }
  }
  return lines;
}

/**
 * Server CPU per request, layer by layer, from the same run's scenarios: each step is the difference of two
 * measured medians, so the steps add up to the last scenario's total.
 */
export function layerCosts(scenarios: readonly ScenarioSummary[]): string[] {
  const cpu = (key: ScenarioKey, c: string): number | null =>
    scenarios.find((s) => s.key === key && s.status === 'ok')?.levels[c]?.cpu_us_per_request ?? null;
  const levels = new Set(scenarios.flatMap((s) => Object.keys(s.levels)));
  const lines: string[] = [];
  const chain = (c: string, steps: [ScenarioKey, string][]): string | undefined => {
    const values = steps.map(([key]) => cpu(key, c));
    if (values.some((v) => v === null)) return undefined;
    const parts = steps.map(([, label], i) => {
      const value = values[i]!;
      if (i === 0) return `${label} ${value.toFixed(1)}`;
      const d = value - values[i - 1]!;
      return `${d >= 0 ? '+' : ''}${d.toFixed(1)} ${label}`;
    });
    return `${parts.join(' ')} = ${values[values.length - 1]!.toFixed(1)} us/req`;
  };
  for (const c of levels) {
    const signed = chain(c, [
      ['ceiling', '(1) bare Fastify'],
      ['service_unverified', 'Nest, ask-sdk dispatch, logs, metrics (3)'],
      ['service_signed', 'verification and replay check (4)'],
      ['service_linked', 'linked WhatsPlayingIntent: token, one upstream call (5)'],
    ]);
    if (signed) lines.push(`layers at ${c} connections, service: ${signed}`);
    const reference = chain(c, [
      ['official', '(2) Express 5 + ask-sdk'],
      ['handwritten_linked', 'one axios call (10)'],
    ]);
    if (reference) lines.push(`layers at ${c} connections, hand-written: ${reference}`);
  }
  return lines;
}
