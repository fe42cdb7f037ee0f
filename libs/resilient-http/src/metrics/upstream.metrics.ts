import { counter, gauge, histogram } from '@lib/metrics';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { UnavailableReason } from '../errors';

/** What became of one call; the `outcome` label (bounded). */
export type UpstreamOutcome =
  | 'success'
  | 'rejected_token'
  | 'forbidden'
  | 'rate_limited'
  | 'client_error'
  | 'bad_response'
  /** An unavailable upstream is counted by its reason. */
  | UnavailableReason
  | 'error';

export type CircuitStateName = 'closed' | 'half_open' | 'open';

/** Why an attempt was retried; the `reason` label (bounded: a status code or a failure kind). */
export type RetryReason = '429' | '502' | '503' | '504' | `${number}` | 'timeout' | 'network';

export const UPSTREAM_METRIC_NAMES = {
  requests: 'upstream_requests_total',
  duration: 'upstream_request_duration_seconds',
  retries: 'upstream_retries_total',
  circuitState: 'upstream_circuit_state',
  circuitTransitions: 'upstream_circuit_transitions_total',
} as const;

/** 10 ms .. 8 s: from a fast upstream to Alexa's own deadline. */
const DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 5, 8];

const CIRCUIT_STATE_VALUE: Record<CircuitStateName, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * The upstream metrics of one provider. Label sets are pre-bound per operation so the hot path does no
 * label validation beyond prom-client's own hashing.
 */
export class UpstreamMetrics {
  private readonly provider: string;
  private readonly requests: Counter<'provider' | 'operation' | 'outcome'>;
  private readonly duration: Histogram<'provider' | 'operation'>;
  private readonly retries: Counter<'provider' | 'reason'>;
  private readonly circuitState: Gauge<'provider'>;
  private readonly circuitTransitions: Counter<'provider' | 'from' | 'to'>;
  private readonly durationByOperation = new Map<string, { observe(value: number): void }>();

  constructor(registry: Registry, provider: string) {
    this.provider = provider;
    this.requests = counter(registry, {
      name: UPSTREAM_METRIC_NAMES.requests,
      help: 'Calls to third-party APIs by provider, operation (named in code) and outcome.',
      labelNames: ['provider', 'operation', 'outcome'],
    });
    this.duration = histogram(registry, {
      name: UPSTREAM_METRIC_NAMES.duration,
      help: 'Duration of calls to third-party APIs, retries and backoff included.',
      labelNames: ['provider', 'operation'],
      buckets: DURATION_BUCKETS,
    });
    this.retries = counter(registry, {
      name: UPSTREAM_METRIC_NAMES.retries,
      help: 'Retried attempts to third-party APIs by reason (status code, timeout or network).',
      labelNames: ['provider', 'reason'],
    });
    this.circuitState = gauge(registry, {
      name: UPSTREAM_METRIC_NAMES.circuitState,
      help: 'Circuit breaker state per provider: 0 closed, 1 half-open, 2 open.',
      labelNames: ['provider'],
    });
    this.circuitTransitions = counter(registry, {
      name: UPSTREAM_METRIC_NAMES.circuitTransitions,
      help: 'Circuit breaker state transitions per provider.',
      labelNames: ['provider', 'from', 'to'],
    });
    this.circuitState.set({ provider }, CIRCUIT_STATE_VALUE.closed);
  }

  callFinished(operation: string, outcome: UpstreamOutcome, durationMs: number): void {
    this.requests.inc({ provider: this.provider, operation, outcome });
    let duration = this.durationByOperation.get(operation);
    if (duration === undefined) {
      duration = this.duration.labels({ provider: this.provider, operation });
      this.durationByOperation.set(operation, duration);
    }
    duration.observe(durationMs / 1000);
  }

  retried(reason: RetryReason): void {
    this.retries.inc({ provider: this.provider, reason });
  }

  circuitChanged(from: CircuitStateName, to: CircuitStateName): void {
    this.circuitState.set({ provider: this.provider }, CIRCUIT_STATE_VALUE[to]);
    this.circuitTransitions.inc({ provider: this.provider, from, to });
  }
}
