import { ExponentialBackoff } from 'cockatiel';
import fc from 'fast-check';
import { decideRetry, fullJitter, retryWait } from './retry-decision';
import type { RetryBudgetSettings, RetryDecision } from './retry-decision';

const settings: RetryBudgetSettings = { maxRetries: 2, minAttemptMs: 100 };
const now = 10_000;

function allowed(decision: RetryDecision): Extract<RetryDecision, { retry: true }> {
  if (!decision.retry) throw new Error(`expected a retry, got ${decision.why}`);
  return decision;
}

/** The first `n` waits cockatiel's exponential backoff draws with the full-jitter generator. */
function waits(n: number, random: () => number, initialDelay = 100, maxDelay = 1000): number[] {
  const backoff = new ExponentialBackoff({ initialDelay, maxDelay, generator: fullJitter(random) });
  const drawn: number[] = [];
  let step = backoff.next();
  for (let i = 0; i < n; i++) {
    drawn.push(step.duration);
    step = step.next(undefined);
  }
  return drawn;
}

describe('fullJitter', () => {
  it('draws uniformly below base * 2^(n-1), from the given random source', () => {
    expect(waits(3, () => 0.5)).toEqual([50, 100, 200]);
    expect(waits(3, () => 0)).toEqual([0, 0, 0]);
  });

  it('never exceeds the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 0.9999, noNaN: true }), (n, r) =>
        waits(n, () => r).every((delay) => delay >= 0 && delay < 1000),
      ),
    );
  });
});

describe('decideRetry', () => {
  const failed = { attempt: 1, retryable: true, now, deadline: now + 2500 };

  it('retries a retryable failure, with the wait bounded by the budget', () => {
    const decision = decideRetry(settings, failed);
    expect(decision).toEqual({ retry: true, maxWaitMs: 2400 });
    expect(retryWait(allowed(decision), 50)).toBe(50);
  });

  it('does not retry what is not retryable', () => {
    expect(decideRetry(settings, { ...failed, retryable: false })).toEqual({
      retry: false,
      why: 'not_retryable',
    });
  });

  it('stops after maxRetries', () => {
    expect(decideRetry(settings, { ...failed, attempt: 2 }).retry).toBe(true);
    expect(decideRetry(settings, { ...failed, attempt: 3 })).toEqual({
      retry: false,
      why: 'attempts_exhausted',
    });
  });

  it('waits exactly the Retry-After when it fits the budget', () => {
    const decision = decideRetry(settings, { ...failed, retryAfterMs: 1000 });
    expect(decision).toEqual({ retry: true, maxWaitMs: 2400, waitMs: 1000 });
    expect(retryWait(allowed(decision), 50)).toBe(1000);
  });

  it('fails fast when the Retry-After (plus a useful attempt) does not fit the budget', () => {
    expect(decideRetry(settings, { ...failed, retryAfterMs: 2401 })).toEqual({
      retry: false,
      why: 'retry_after_beyond_budget',
    });
  });

  it('shortens a drawn wait to what the budget allows', () => {
    const decision = decideRetry(settings, { ...failed, attempt: 2, deadline: now + 150 });
    expect(retryWait(allowed(decision), 198)).toBe(50);
  });

  it('gives up when not even a useful attempt fits', () => {
    expect(decideRetry(settings, { ...failed, deadline: now + 99 })).toEqual({
      retry: false,
      why: 'budget_exhausted',
    });
  });

  it('never schedules a retry that ends past the deadline', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: -100, max: 5000 }),
        fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
        fc.integer({ min: 0, max: 10_000 }),
        (attempt, left, retryAfterMs, drawn) => {
          const decision = decideRetry(
            { ...settings, maxRetries: 5 },
            { attempt, retryable: true, retryAfterMs, now, deadline: now + left },
          );
          return !decision.retry || retryWait(decision, drawn) + settings.minAttemptMs <= left;
        },
      ),
    );
  });
});
