// Soak statistics: latency percentiles, the memory samples, a text chart, and the growth-trend check.
// Erasable TypeScript.

export interface MemorySample {
  /** Seconds since the load started. */
  readonly t: number;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
  readonly heapTotalMiB: number;
  readonly externalMiB: number;
  /** Requests answered so far (all kinds). */
  readonly requests: number;
  /** Requests per second over the last interval. */
  readonly rps: number;
  /** p99 latency over the last interval, in ms. */
  readonly p99Ms: number;
  /** Wrong answers (5xx, socket errors, unexpected status) so far. */
  readonly errors: number;
  /** The fault the fake music API was playing at the sample. */
  readonly upstream: string;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/** Keeps at most `capacity` values, each kept with equal probability (reservoir sampling, bounded memory). */
export class Reservoir {
  private readonly values: number[] = [];
  private seen = 0;
  private readonly capacity: number;

  constructor(capacity = 100_000) {
    this.capacity = capacity;
  }

  add(value: number): void {
    this.seen += 1;
    if (this.values.length < this.capacity) this.values.push(value);
    else {
      const slot = Math.floor(Math.random() * this.seen);
      if (slot < this.capacity) this.values[slot] = value;
    }
  }

  sorted(): number[] {
    return [...this.values].sort((a, b) => a - b);
  }
}

export function toCsv(samples: readonly MemorySample[]): string {
  const header = 't_s,rss_mib,heap_used_mib,heap_total_mib,external_mib,requests,rps,p99_ms,errors,upstream';
  const rows = samples.map((s) =>
    [
      s.t.toFixed(0),
      s.rssMiB.toFixed(1),
      s.heapUsedMiB.toFixed(1),
      s.heapTotalMiB.toFixed(1),
      s.externalMiB.toFixed(1),
      s.requests,
      s.rps.toFixed(1),
      s.p99Ms.toFixed(1),
      s.errors,
      s.upstream,
    ].join(','),
  );
  return `${[header, ...rows].join('\n')}\n`;
}

/** A small text chart of one series over time: `height` rows, at most `width` columns (bucketed by max). */
export function chart(
  title: string,
  samples: readonly MemorySample[],
  value: (s: MemorySample) => number,
  width = 60,
  height = 8,
): string {
  if (samples.length === 0) return `${title}: no samples\n`;
  const columns: number[] = [];
  const per = Math.max(1, Math.ceil(samples.length / width));
  for (let i = 0; i < samples.length; i += per) {
    columns.push(Math.max(...samples.slice(i, i + per).map(value)));
  }
  const lo = Math.min(...columns);
  const hi = Math.max(...columns);
  const span = hi - lo || 1;
  const rows: string[] = [];
  for (let row = height - 1; row >= 0; row--) {
    const level = lo + (span * row) / (height - 1);
    const label = row === height - 1 || row === 0 ? level.toFixed(1).padStart(7) : '       ';
    const cells = columns.map((v) => (v >= level - span / (2 * (height - 1)) ? '█' : ' ')).join('');
    rows.push(`${label} |${cells}`);
  }
  const end = samples[samples.length - 1].t;
  rows.push(`        +${'-'.repeat(columns.length)}`);
  rows.push(`         0 s${' '.repeat(Math.max(1, columns.length - 10))}${end.toFixed(0)} s`);
  return `${title}\n${rows.join('\n')}\n`;
}

export interface TrendVerdict {
  readonly series: string;
  /** Floor (lowest value) of the first and the last quarter after warm-up, MiB. */
  readonly firstFloor: number;
  readonly lastFloor: number;
  /** Least-squares slope of the per-window floors, MiB per minute. */
  readonly slopePerMinute: number;
  readonly allowedMiB: number;
  readonly growing: boolean;
}

/**
 * Whether a memory series grows after warm-up. Heap used swings with every garbage collection, so the check
 * looks at floors: the lowest value in each of `windows` equal windows after warm-up (what survives GC).
 * Growing means the last window's floor exceeds the first's by more than `allowedMiB` AND the floors' slope
 * points up by more than `allowedMiB` over the run: a steady leak, not one late GC.
 */
export function growthTrend(
  series: string,
  samples: readonly MemorySample[],
  value: (s: MemorySample) => number,
  warmupSeconds: number,
  allowedMiB: number,
  windows = 4,
): TrendVerdict {
  const steady = samples.filter((s) => s.t >= warmupSeconds);
  const size = Math.max(1, Math.floor(steady.length / windows));
  const floors: Array<{ t: number; v: number }> = [];
  for (let i = 0; i + size <= steady.length; i += size) {
    const window = steady.slice(i, i + size);
    const lowest = window.reduce((min, s) => (value(s) < value(min) ? s : min), window[0]);
    floors.push({ t: lowest.t, v: value(lowest) });
  }
  if (floors.length < 2 || size < 2) {
    // Too short to tell a trend from noise: reported as flat, with the floors it has.
    const v = steady.length > 0 ? value(steady[0]) : 0;
    const w = steady.length > 0 ? value(steady[steady.length - 1]) : 0;
    return { series, firstFloor: v, lastFloor: w, slopePerMinute: 0, allowedMiB, growing: false };
  }
  const meanT = floors.reduce((sum, f) => sum + f.t, 0) / floors.length;
  const meanV = floors.reduce((sum, f) => sum + f.v, 0) / floors.length;
  const covariance = floors.reduce((sum, f) => sum + (f.t - meanT) * (f.v - meanV), 0);
  const variance = floors.reduce((sum, f) => sum + (f.t - meanT) ** 2, 0) || 1;
  const slopePerSecond = covariance / variance;
  const first = floors[0].v;
  const last = floors[floors.length - 1].v;
  const span = floors[floors.length - 1].t - floors[0].t;
  const growing = last - first > allowedMiB && slopePerSecond * span > allowedMiB;
  return {
    series,
    firstFloor: first,
    lastFloor: last,
    slopePerMinute: slopePerSecond * 60,
    allowedMiB,
    growing,
  };
}
