import type { INestApplication } from '@nestjs/common';
import { METRICS_REGISTRY } from '@lib/metrics';
import type { Registry } from 'prom-client';

/** The counters the reliability suites reason about, read straight from the app's registry (no HTTP). */
export interface CounterSnapshot {
  /** `alexa_verification_failures_total`, by check. */
  readonly verification: Readonly<Record<string, number>>;
  /** Sum of `alexa_verification_failures_total` over every check. */
  readonly verificationTotal: number;
  /** `http_requests_total`, summed over routes, by status class (`2xx`, `4xx`, `5xx`, ...). */
  readonly http: Readonly<Record<string, number>>;
  /** `alexa_requests_total`, summed over request types and intents, by outcome. */
  readonly skill: Readonly<Record<string, number>>;
}

type Sample = { value: number; labels: Record<string, string | number> };

/** Reads counters in-process: cheap enough to take a snapshot around every one of thousands of requests. */
export class MetricCounters {
  private readonly registry: Registry;

  constructor(app: INestApplication) {
    this.registry = app.get<Registry>(METRICS_REGISTRY);
  }

  async snapshot(): Promise<CounterSnapshot> {
    const [verification, http, skill] = await Promise.all([
      this.byLabel('alexa_verification_failures_total', 'check'),
      this.byLabel('http_requests_total', 'status_class'),
      this.byLabel('alexa_requests_total', 'outcome'),
    ]);
    const verificationTotal = Object.values(verification).reduce((sum, n) => sum + n, 0);
    return { verification, verificationTotal, http, skill };
  }

  /** Samples of one counter with their labels. */
  async samples(name: string): Promise<Sample[]> {
    const metric = this.registry.getSingleMetric(name);
    if (!metric) return [];
    return (await metric.get()).values as Sample[];
  }

  private async byLabel(name: string, label: string): Promise<Record<string, number>> {
    const totals: Record<string, number> = {};
    for (const sample of await this.samples(name)) {
      const key = String(sample.labels[label]);
      totals[key] = (totals[key] ?? 0) + sample.value;
    }
    return totals;
  }
}

/** `after - before` for each key (missing keys count as 0); keys whose difference is 0 are left out. */
export function increments(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[key] ?? 0) - (before[key] ?? 0);
    if (d !== 0) delta[key] = d;
  }
  return delta;
}
