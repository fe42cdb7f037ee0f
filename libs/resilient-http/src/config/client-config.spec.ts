import { readResilientClientConfig } from './client-config';

describe('readResilientClientConfig', () => {
  const from =
    (values: Record<string, unknown>) =>
    (key: string): unknown =>
      values[key];

  it('reads every setting under the prefix', () => {
    const options = readResilientClientConfig(
      'MUSIC_API',
      from({
        MUSIC_API_BASE_URL: 'http://127.0.0.1:4010',
        MUSIC_API_TOTAL_BUDGET_MS: '2000',
        MUSIC_API_ATTEMPT_TIMEOUT_MS: 800,
        MUSIC_API_MAX_RETRIES: '0',
        MUSIC_API_RETRY_BASE_DELAY_MS: '20',
        MUSIC_API_RETRY_MAX_DELAY_MS: '200',
        MUSIC_API_BREAKER_FAILURES: '3',
        MUSIC_API_BREAKER_HALF_OPEN_AFTER_MS: '500',
        MUSIC_API_MAX_CONCURRENT: '16',
      }),
    );
    expect(options).toEqual({
      baseURL: 'http://127.0.0.1:4010',
      totalBudgetMs: 2000,
      attemptTimeoutMs: 800,
      retry: { maxRetries: 0, baseDelayMs: 20, maxDelayMs: 200 },
      circuitBreaker: { consecutiveFailures: 3, halfOpenAfterMs: 500 },
      bulkhead: { maxConcurrent: 16 },
    });
  });

  it('keeps the given defaults for unset keys', () => {
    const options = readResilientClientConfig('MUSIC_API', from({}), {
      baseURL: 'https://api.spotify.com',
      retry: { maxRetries: 1, minAttemptMs: 50 },
    });
    expect(options.baseURL).toBe('https://api.spotify.com');
    expect(options.retry).toEqual({ maxRetries: 1, minAttemptMs: 50 });
    expect(options.totalBudgetMs).toBeUndefined();
  });

  it('keeps retries and the breaker off when the defaults turn them off', () => {
    const options = readResilientClientConfig('X', from({ X_MAX_RETRIES: '3' }), {
      retry: false,
      circuitBreaker: false,
    });
    expect(options.retry).toBe(false);
    expect(options.circuitBreaker).toBe(false);
  });

  it('fails at start-up on a value that is not a whole number in range', () => {
    expect(() => readResilientClientConfig('X', from({ X_TOTAL_BUDGET_MS: '2.5s' }))).toThrow(
      /X_TOTAL_BUDGET_MS/,
    );
    expect(() => readResilientClientConfig('X', from({ X_MAX_CONCURRENT: '0' }))).toThrow(/X_MAX_CONCURRENT/);
    expect(() => readResilientClientConfig('X', from({ X_MAX_RETRIES: -1 }))).toThrow(/X_MAX_RETRIES/);
  });
});
