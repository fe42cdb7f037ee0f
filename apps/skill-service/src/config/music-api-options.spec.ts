import { loadConfig } from './env.schema';
import { musicApiOptions } from './music-api-options';

describe('musicApiOptions', () => {
  it('maps every MUSIC_API_* variable onto the music client options', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      MUSIC_API_BASE_URL: 'http://127.0.0.1:4010',
      MUSIC_API_TOTAL_BUDGET_MS: '800',
      MUSIC_API_ATTEMPT_TIMEOUT_MS: '250',
      MUSIC_API_MAX_RETRIES: '3',
      MUSIC_API_RETRY_BASE_DELAY_MS: '10',
      MUSIC_API_RETRY_MAX_DELAY_MS: '200',
      MUSIC_API_BREAKER_FAILURES: '7',
      MUSIC_API_BREAKER_HALF_OPEN_AFTER_MS: '2000',
      MUSIC_API_MAX_CONCURRENT: '20',
    });
    expect(musicApiOptions(config)).toEqual({
      baseURL: 'http://127.0.0.1:4010',
      totalBudgetMs: 800,
      attemptTimeoutMs: 250,
      retry: { maxRetries: 3, baseDelayMs: 10, maxDelayMs: 200 },
      circuitBreaker: { consecutiveFailures: 7, halfOpenAfterMs: 2000 },
      bulkhead: { maxConcurrent: 20 },
    });
  });

  it("leaves unset tuning to the resilient client's defaults, and the base URL to the schema's", () => {
    const options = musicApiOptions(loadConfig({ NODE_ENV: 'test' }));
    expect(options.baseURL).toBe('https://api.spotify.com');
    expect(options.totalBudgetMs).toBeUndefined();
    expect(options.retry).toEqual({ maxRetries: undefined, baseDelayMs: undefined, maxDelayMs: undefined });
    expect(options.bulkhead).toBeUndefined();
  });
});
