import fc from 'fast-check';
import { decideRetry, fullJitterDelay } from './retry-decision';
import type { RetryPolicySettings } from './retry-decision';

const settings: RetryPolicySettings = {
  maxRetries: 2,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  minAttemptMs: 100,
};
const now = 10_000;

describe('fullJitterDelay', () => {
  it('draws uniformly below base * 2^(n-1)', () => {
    expect(fullJitterDelay(1, 100, 1000, () => 0.5)).toBe(50);
    expect(fullJitterDelay(2, 100, 1000, () => 0.5)).toBe(100);
    expect(fullJitterDelay(3, 100, 1000, () => 0.5)).toBe(200);
    expect(fullJitterDelay(3, 100, 1000, () => 0)).toBe(0);
  });

  it('never exceeds the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (n, r) => {
          const delay = fullJitterDelay(n, 100, 1000, () => r);
          return delay >= 0 && delay < 1000;
        },
      ),
    );
  });
});

describe('decideRetry', () => {
  const failed = { attempt: 1, retryable: true, now, deadline: now + 2500 };

  it('retries a retryable failure after a jittered wait', () => {
    expect(decideRetry(settings, failed, () => 0.5)).toEqual({ retry: true, delayMs: 50 });
  });

  it('does not retry what is not retryable', () => {
    expect(decideRetry(settings, { ...failed, retryable: false }, () => 0.5)).toEqual({
      retry: false,
      why: 'not_retryable',
    });
  });

  it('stops after maxRetries', () => {
    expect(decideRetry(settings, { ...failed, attempt: 2 }, () => 0.5).retry).toBe(true);
    expect(decideRetry(settings, { ...failed, attempt: 3 }, () => 0.5)).toEqual({
      retry: false,
      why: 'attempts_exhausted',
    });
  });

  it('waits exactly the Retry-After when it fits the budget', () => {
    expect(decideRetry(settings, { ...failed, retryAfterMs: 1000 }, () => 0.5)).toEqual({
      retry: true,
      delayMs: 1000,
    });
  });

  it('fails fast when the Retry-After (plus a useful attempt) does not fit the budget', () => {
    expect(decideRetry(settings, { ...failed, retryAfterMs: 2401 }, () => 0.5)).toEqual({
      retry: false,
      why: 'retry_after_beyond_budget',
    });
  });

  it('shortens a jittered wait to what the budget allows', () => {
    const late = { ...failed, attempt: 2, deadline: now + 150 };
    expect(decideRetry(settings, late, () => 0.99)).toEqual({ retry: true, delayMs: 50 });
  });

  it('gives up when not even a useful attempt fits', () => {
    expect(decideRetry(settings, { ...failed, deadline: now + 99 }, () => 0)).toEqual({
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
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (attempt, left, retryAfterMs, r) => {
          const decision = decideRetry(
            { ...settings, maxRetries: 5 },
            { attempt, retryable: true, retryAfterMs, now, deadline: now + left },
            () => r,
          );
          return !decision.retry || now + decision.delayMs + settings.minAttemptMs <= now + left;
        },
      ),
    );
  });
});
