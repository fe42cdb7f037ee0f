import type { ResilientClientOptions } from '../resilient-http-options.interface';

/** Reads one setting, e.g. `(key) => configService.get(key)` or `(key) => process.env[key]`. */
export type ConfigReader = (key: string) => unknown;

function integer(get: ConfigReader, key: string, min: number): number | undefined {
  const raw = get(key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : Number.NaN;
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${key} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/**
 * A provider's settings from configuration, so operators tune them per environment without a release.
 * With prefix `MUSIC_API` it reads (all optional; unset keys keep the given defaults, then the library's):
 *
 * | key                                  | option                               |
 * | ------------------------------------ | ------------------------------------ |
 * | `MUSIC_API_BASE_URL`                 | `baseURL`                            |
 * | `MUSIC_API_TOTAL_BUDGET_MS`          | `totalBudgetMs`                      |
 * | `MUSIC_API_ATTEMPT_TIMEOUT_MS`       | `attemptTimeoutMs`                   |
 * | `MUSIC_API_MAX_RETRIES`              | `retry.maxRetries`                   |
 * | `MUSIC_API_RETRY_BASE_DELAY_MS`      | `retry.baseDelayMs`                  |
 * | `MUSIC_API_RETRY_MAX_DELAY_MS`       | `retry.maxDelayMs`                   |
 * | `MUSIC_API_BREAKER_FAILURES`         | `circuitBreaker.consecutiveFailures` |
 * | `MUSIC_API_BREAKER_HALF_OPEN_AFTER_MS` | `circuitBreaker.halfOpenAfterMs`   |
 * | `MUSIC_API_MAX_CONCURRENT`           | `bulkhead.maxConcurrent`             |
 *
 * Invalid numbers throw at start-up rather than silently falling back.
 */
export function readResilientClientConfig(
  prefix: string,
  get: ConfigReader,
  defaults: ResilientClientOptions = {},
): ResilientClientOptions {
  const key = (suffix: string): string => `${prefix}_${suffix}`;
  const baseURL = get(key('BASE_URL'));
  const defaultRetry = defaults.retry === false ? undefined : defaults.retry;
  const defaultBreaker = defaults.circuitBreaker === false ? undefined : defaults.circuitBreaker;
  const maxConcurrent = integer(get, key('MAX_CONCURRENT'), 1);
  const options: ResilientClientOptions = {
    ...defaults,
    baseURL: typeof baseURL === 'string' && baseURL !== '' ? baseURL : defaults.baseURL,
    totalBudgetMs: integer(get, key('TOTAL_BUDGET_MS'), 1) ?? defaults.totalBudgetMs,
    attemptTimeoutMs: integer(get, key('ATTEMPT_TIMEOUT_MS'), 1) ?? defaults.attemptTimeoutMs,
    bulkhead: maxConcurrent === undefined ? defaults.bulkhead : { maxConcurrent },
  };
  if (defaults.retry !== false) {
    options.retry = {
      ...defaultRetry,
      maxRetries: integer(get, key('MAX_RETRIES'), 0) ?? defaultRetry?.maxRetries,
      baseDelayMs: integer(get, key('RETRY_BASE_DELAY_MS'), 0) ?? defaultRetry?.baseDelayMs,
      maxDelayMs: integer(get, key('RETRY_MAX_DELAY_MS'), 0) ?? defaultRetry?.maxDelayMs,
    };
  }
  if (defaults.circuitBreaker !== false) {
    options.circuitBreaker = {
      ...defaultBreaker,
      consecutiveFailures: integer(get, key('BREAKER_FAILURES'), 1) ?? defaultBreaker?.consecutiveFailures,
      halfOpenAfterMs: integer(get, key('BREAKER_HALF_OPEN_AFTER_MS'), 1) ?? defaultBreaker?.halfOpenAfterMs,
    };
  }
  return options;
}
