import type { Clock, HttpMethod } from '../resilient-http-options.interface';

/** The clock when none is injected. */
export const systemClock: Clock = { now: () => Date.now() };

/** The client's defaults for unset options, also the defaults of the `<PREFIX>_*` environment settings. */
export const POLICY_DEFAULTS = {
  totalBudgetMs: 2500,
  attemptTimeoutMs: 1000,
  maxRetries: 2,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  minAttemptMs: 100,
  retryMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'] as readonly HttpMethod[],
  retryStatuses: [429, 502, 503, 504] as readonly number[],
  consecutiveFailures: 5,
  halfOpenAfterMs: 10_000,
} as const;

/** A setting that must be a positive number. */
export function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`resilient-http: ${name} must be > 0, got ${value}`);
  return value;
}
