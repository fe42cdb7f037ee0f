import type { Logger } from '@nestjs/common';
import {
  BulkheadPolicy,
  CircuitBreakerPolicy,
  CircuitState,
  DelegateBackoff,
  ExponentialBackoff,
  RetryPolicy,
  TimeoutPolicy,
  TimeoutStrategy,
  bulkhead,
  handleWhen,
  retry,
  timeout,
} from 'cockatiel';
import type { IBackoff, IRetryBackoffContext } from 'cockatiel';
import type { UpstreamRequest } from '../client/upstream-request.interface';
import type { CircuitStateName, RetryReason, UpstreamMetrics } from '../metrics';
import type { Clock, HttpMethod, ResilientClientOptions } from '../resilient-http-options.interface';
import { AttemptFailure, isRetryScheduled } from './attempt-failure';
import { POLICY_DEFAULTS as DEFAULTS, positive, systemClock } from './policy-defaults';
import { circuitStateName, upstreamBreaker } from './upstream-breaker';
import { decideRetry, fullJitter, retryWait } from './retry-decision';
import type { RetryBudgetSettings } from './retry-decision';

/**
 * The attempt's signal aborts the request when the timer fires; the attempt has settled by the time cockatiel
 * would abort it on return, so that abort (an event dispatched per attempt) is skipped.
 */
const ATTEMPT_TIMEOUT = { strategy: TimeoutStrategy.Cooperative, abortOnReturn: false };

/** What the policies track of one call. */
export interface CallBudget {
  readonly operation: string;
  /** Absolute time (the client's clock) by which the call must be over: the budget or the caller's deadline. */
  readonly deadline: number;
  /** The method may be retried (idempotent, or declared so). */
  readonly retryable: boolean;
  /** The caller's abort signal. */
  readonly signal: AbortSignal | undefined;
  /** Attempts started so far. */
  attempts: number;
}

/**
 * The policy stack of one provider, on cockatiel, outermost first: bulkhead -> retry -> circuit breaker -> one
 * attempt under its timeout. The breaker counts attempts, so it can open in the middle of a call's retries and
 * stop them. Ours, because cockatiel has no notion of them: the call's deadline (the last attempt is cut to it)
 * and the retry decision that fits Retry-After and the backoff into that deadline.
 */
export class UpstreamPolicies {
  private readonly totalBudgetMs: number;
  private readonly clock: Clock;
  private readonly attemptTimeoutMs: number;
  private readonly attemptTimeout: TimeoutPolicy;
  private readonly retryBudget: RetryBudgetSettings;
  private readonly retryMethods: ReadonlySet<string>;
  private readonly retryStatuses: ReadonlySet<number>;
  private readonly retryPolicy: RetryPolicy;
  private readonly breaker: CircuitBreakerPolicy | undefined;
  private readonly bulkhead: BulkheadPolicy | undefined;
  private circuit: CircuitStateName = 'closed';

  constructor(
    options: ResilientClientOptions,
    private readonly metrics: UpstreamMetrics,
    private readonly logger: Logger,
  ) {
    this.clock = options.clock ?? systemClock;
    this.totalBudgetMs = positive('totalBudgetMs', options.totalBudgetMs ?? DEFAULTS.totalBudgetMs);
    this.attemptTimeoutMs = positive(
      'attemptTimeoutMs',
      options.attemptTimeoutMs ?? DEFAULTS.attemptTimeoutMs,
    );
    this.attemptTimeout = timeout(this.attemptTimeoutMs, ATTEMPT_TIMEOUT);

    const retryOptions = options.retry === false ? { maxRetries: 0 } : (options.retry ?? {});
    this.retryBudget = {
      maxRetries: retryOptions.maxRetries ?? DEFAULTS.maxRetries,
      minAttemptMs: retryOptions.minAttemptMs ?? DEFAULTS.minAttemptMs,
    };
    this.retryMethods = new Set(retryOptions.methods ?? DEFAULTS.retryMethods);
    this.retryStatuses = new Set(retryOptions.statuses ?? DEFAULTS.retryStatuses);
    const backoff = new ExponentialBackoff({
      initialDelay: retryOptions.baseDelayMs ?? DEFAULTS.baseDelayMs,
      maxDelay: retryOptions.maxDelayMs ?? DEFAULTS.maxDelayMs,
      generator: fullJitter(options.random ?? Math.random),
    });
    this.retryPolicy = retry(handleWhen(isRetryScheduled), {
      maxAttempts: this.retryBudget.maxRetries,
      // The backoff draws each wait; the retry decision carried by the failure bounds it.
      backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>, previous?: IBackoff<unknown>) => {
        const step = previous ? previous.next(context) : backoff.next();
        const scheduled =
          'error' in context.result ? (context.result.error as AttemptFailure).retry : undefined;
        return { delay: scheduled ? retryWait(scheduled, step.duration) : 0, state: step };
      }),
    });
    this.retryPolicy.onRetry((event) => {
      const scheduled = 'error' in event ? (event.error as AttemptFailure).retry : undefined;
      if (scheduled === undefined) return;
      this.metrics.retried(scheduled.reason);
      this.logger.debug(`retrying ${scheduled.operation} in ${event.delay} ms (${scheduled.reason})`);
    });

    if (options.circuitBreaker !== false) {
      this.breaker = upstreamBreaker(options.circuitBreaker ?? {});
      this.breaker.onStateChange((state) => this.circuitChanged(circuitStateName(state)));
    }
    if (options.bulkhead) {
      this.bulkhead = bulkhead(positive('bulkhead.maxConcurrent', options.bulkhead.maxConcurrent), 0);
    }
  }

  /** Current circuit breaker state (`closed` when there is no breaker). */
  get circuitState(): CircuitStateName {
    return this.circuit;
  }

  /** The budget of a call starting now: the caller's `deadline` can only shorten the total budget. */
  startCall(req: UpstreamRequest, method: HttpMethod): CallBudget {
    return {
      operation: req.operation,
      deadline: Math.min(this.clock.now() + this.totalBudgetMs, req.deadline ?? Infinity),
      retryable: req.idempotent ?? this.retryMethods.has(method),
      signal: req.signal,
      attempts: 0,
    };
  }

  /** Runs `attempt` through the stack until it succeeds or a failure is final; rejects with that failure. */
  execute<T>(call: CallBudget, attempt: () => Promise<T>): Promise<T> {
    const run = (): Promise<T> => this.retryPolicy.execute(() => this.throughBreaker(attempt), call.signal);
    return this.bulkhead ? this.bulkhead.execute(run) : run();
  }

  /**
   * One attempt under its timeout: `attemptTimeoutMs`, or what is left of the call's deadline when that is less
   * (then a cut is `budget_exhausted`, never retried). `send` gets the signal that aborts the request.
   */
  async limitAttempt<T>(call: CallBudget, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (call.signal?.aborted) throw new AttemptFailure('aborted');
    const remaining = call.deadline - this.clock.now();
    if (remaining <= 0) throw new AttemptFailure('budget_exhausted');
    const cutByDeadline = remaining < this.attemptTimeoutMs;
    const limit = cutByDeadline ? timeout(remaining, ATTEMPT_TIMEOUT) : this.attemptTimeout;
    return limit.execute(async ({ signal }) => {
      try {
        return await send(signal);
      } catch (error) {
        throw this.attemptFailed(call, error, signal.aborted && !call.signal?.aborted, cutByDeadline);
      }
    }, call.signal);
  }

  private throughBreaker<T>(attempt: () => Promise<T>): Promise<T> {
    const breaker = this.breaker;
    if (breaker === undefined) return attempt();
    // cockatiel parks calls behind a half-open probe until it settles; an Alexa call cannot wait, so
    // everything but the probe fails fast. (No await between this check and execute: no race.)
    if (breaker.state === CircuitState.HalfOpen) return Promise.reject(new AttemptFailure('circuit_open'));
    return breaker.execute(attempt);
  }

  /** Classifies a failed attempt and decides whether (and within what wait) it is retried. */
  private attemptFailed(
    call: CallBudget,
    error: unknown,
    timedOut: boolean,
    cutByDeadline: boolean,
  ): unknown {
    if (timedOut)
      return cutByDeadline
        ? new AttemptFailure('budget_exhausted')
        : this.failed(call, new AttemptFailure('timeout'));
    if (call.signal?.aborted) return new AttemptFailure('aborted');
    if (!(error instanceof AttemptFailure)) return error;
    return this.failed(call, error);
  }

  private failed(call: CallBudget, failure: AttemptFailure): AttemptFailure {
    let reason: RetryReason | undefined;
    if (failure.kind === 'timeout' || failure.kind === 'network') reason = failure.kind;
    else if (failure.status !== undefined && this.retryStatuses.has(failure.status)) {
      reason = String(failure.status) as RetryReason;
    }
    const decision = decideRetry(this.retryBudget, {
      attempt: call.attempts,
      retryable: call.retryable && reason !== undefined,
      retryAfterMs: failure.retryAfterMs,
      now: this.clock.now(),
      deadline: call.deadline,
    });
    if (decision.retry)
      failure.retry = { ...decision, reason: reason as RetryReason, operation: call.operation };
    return failure;
  }

  private circuitChanged(to: CircuitStateName): void {
    const from = this.circuit;
    if (from === to) return;
    this.circuit = to;
    this.metrics.circuitChanged(from, to);
    if (to === 'open') {
      const last = this.breaker?.lastFailure;
      const cause =
        last !== undefined && 'error' in last && last.error instanceof AttemptFailure
          ? `${last.error.kind}${last.error.status === undefined ? '' : ` ${last.error.status}`}`
          : 'failures';
      this.logger.warn(`circuit ${from} -> open (last failure: ${cause}); calls fail fast`);
    } else {
      this.logger.log(`circuit ${from} -> ${to}`);
    }
  }
}
