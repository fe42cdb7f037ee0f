import { noJitterGenerator } from 'cockatiel';
import type { GeneratorFn } from 'cockatiel';

/** The retry settings the decision needs (defaults resolved). */
export interface RetryBudgetSettings {
  /** Retries after the first attempt. */
  maxRetries: number;
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
  | {
      retry: true;
      /** The longest wait that still leaves a useful attempt before the deadline. */
      maxWaitMs: number;
      /** The exact wait the upstream asked for (Retry-After); the backoff's draw otherwise. */
      waitMs?: number;
    }
  | {
      retry: false;
      why: 'not_retryable' | 'attempts_exhausted' | 'retry_after_beyond_budget' | 'budget_exhausted';
    };

/**
 * Whether to retry a failed attempt. A retry must fit the budget: the wait plus a useful attempt
 * (`minAttemptMs`) must end before the deadline. A Retry-After that does not fit fails fast instead of sleeping
 * into the deadline. cockatiel's backoffs know neither Retry-After nor a deadline, hence this.
 */
export function decideRetry(settings: RetryBudgetSettings, failed: FailedAttempt): RetryDecision {
  if (!failed.retryable) return { retry: false, why: 'not_retryable' };
  if (failed.attempt > settings.maxRetries) return { retry: false, why: 'attempts_exhausted' };
  const spare = failed.deadline - failed.now - settings.minAttemptMs;
  if (failed.retryAfterMs !== undefined) {
    return failed.retryAfterMs <= spare
      ? { retry: true, maxWaitMs: spare, waitMs: failed.retryAfterMs }
      : { retry: false, why: 'retry_after_beyond_budget' };
  }
  if (spare < 0) return { retry: false, why: 'budget_exhausted' };
  return { retry: true, maxWaitMs: spare };
}

/**
 * The wait before a retry: the upstream's Retry-After exactly, else the backoff's draw shortened to what the
 * budget allows (full jitter allows any wait below its ceiling).
 */
export function retryWait(decision: Extract<RetryDecision, { retry: true }>, backoffMs: number): number {
  return decision.waitMs ?? Math.min(backoffMs, decision.maxWaitMs);
}

/**
 * cockatiel's full-jitter generator (a uniformly random wait in [0, min(max, initial * 2^n))), drawing from the
 * client's random source so tests are deterministic; cockatiel's own `fullJitterGenerator` uses Math.random.
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/)
 */
export function fullJitter(random: () => number): GeneratorFn<number> {
  return (attempt, options) => {
    const [ceiling, next] = noJitterGenerator(attempt, options);
    return [Math.floor(random() * ceiling), next];
  };
}
