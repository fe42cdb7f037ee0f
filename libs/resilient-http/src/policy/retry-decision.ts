/** The retry settings the decision needs (defaults resolved). */
export interface RetryPolicySettings {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Backoff base: the first retry waits up to this long. */
  baseDelayMs: number;
  /** Backoff cap before jitter. */
  maxDelayMs: number;
  /** An attempt is only started when at least this much budget is left after the wait. */
  minAttemptMs: number;
}

export interface FailedAttempt {
  /** 1 for the first attempt. */
  attempt: number;
  /** The failure is of a retryable kind and the method may be retried. */
  retryable: boolean;
  /** The upstream's Retry-After, when it sent one. */
  retryAfterMs?: number;
  now: number;
  /** Absolute time (same clock as `now`) by which the whole call must be over. */
  deadline: number;
}

export type RetryDecision =
  | { retry: true; delayMs: number }
  | {
      retry: false;
      why: 'not_retryable' | 'attempts_exhausted' | 'retry_after_beyond_budget' | 'budget_exhausted';
    };

/**
 * Exponential backoff with full jitter: a uniformly random wait in [0, min(cap, base * 2^(n-1))].
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/)
 */
export function fullJitterDelay(
  retry: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Whether to retry a failed attempt, and after how long. A retry must fit the budget: the wait plus a
 * useful attempt (`minAttemptMs`) must end before the deadline. A Retry-After that does not fit fails fast
 * instead of sleeping into the deadline; a jittered wait that does not fit is shortened (full jitter
 * allows any wait below its ceiling).
 */
export function decideRetry(
  settings: RetryPolicySettings,
  failed: FailedAttempt,
  random: () => number,
): RetryDecision {
  if (!failed.retryable) return { retry: false, why: 'not_retryable' };
  if (failed.attempt > settings.maxRetries) return { retry: false, why: 'attempts_exhausted' };
  const spare = failed.deadline - failed.now - settings.minAttemptMs;
  if (failed.retryAfterMs !== undefined) {
    return failed.retryAfterMs <= spare
      ? { retry: true, delayMs: failed.retryAfterMs }
      : { retry: false, why: 'retry_after_beyond_budget' };
  }
  if (spare < 0) return { retry: false, why: 'budget_exhausted' };
  const delayMs = fullJitterDelay(failed.attempt, settings.baseDelayMs, settings.maxDelayMs, random);
  return { retry: true, delayMs: Math.min(delayMs, spare) };
}
