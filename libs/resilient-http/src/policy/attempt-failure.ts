import type { RetryReason } from '../metrics';
import type { RetryDecision } from './retry-decision';

export type FailureKind =
  | 'server_error'
  | 'rate_limited'
  | 'timeout'
  | 'budget_exhausted'
  | 'network'
  | 'aborted'
  | 'too_large'
  | 'circuit_open';

/** A retry the budget allows, decided where the call's deadline is known; cockatiel's retry loop follows it. */
export type ScheduledRetry = Extract<RetryDecision, { retry: true }> & {
  readonly reason: RetryReason;
  readonly operation: string;
};

/**
 * One failed attempt, as the policies see it. Internal: callers only ever see the typed errors. It never
 * holds the transport's error, whose request config carries the Authorization header.
 */
export class AttemptFailure extends Error {
  readonly kind: FailureKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** Set when the attempt is to be retried. */
  retry: ScheduledRetry | undefined;

  constructor(kind: FailureKind, status?: number, retryAfterMs?: number) {
    super(kind);
    this.kind = kind;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }

  /** Failures that say the upstream is sick. 429, deadline cuts and caller aborts do not. */
  get countsForBreaker(): boolean {
    return this.kind === 'server_error' || this.kind === 'timeout' || this.kind === 'network';
  }
}

export const isRetryScheduled = (error: unknown): boolean =>
  error instanceof AttemptFailure && error.retry !== undefined;
export const countsForBreaker = (error: unknown): boolean =>
  error instanceof AttemptFailure && error.countsForBreaker;
