import type { MusicApiOptions } from '@lib/music';
import type { AppConfig } from './env.schema';

/** The music client's settings from the validated `MUSIC_API_*`; unset ones keep the resilient client's defaults. */
export function musicApiOptions(config: AppConfig): MusicApiOptions {
  return {
    baseURL: config.MUSIC_API_BASE_URL,
    totalBudgetMs: config.MUSIC_API_TOTAL_BUDGET_MS,
    attemptTimeoutMs: config.MUSIC_API_ATTEMPT_TIMEOUT_MS,
    retry: {
      maxRetries: config.MUSIC_API_MAX_RETRIES,
      baseDelayMs: config.MUSIC_API_RETRY_BASE_DELAY_MS,
      maxDelayMs: config.MUSIC_API_RETRY_MAX_DELAY_MS,
    },
    circuitBreaker: {
      consecutiveFailures: config.MUSIC_API_BREAKER_FAILURES,
      halfOpenAfterMs: config.MUSIC_API_BREAKER_HALF_OPEN_AFTER_MS,
    },
    bulkhead:
      config.MUSIC_API_MAX_CONCURRENT === undefined
        ? undefined
        : { maxConcurrent: config.MUSIC_API_MAX_CONCURRENT },
  };
}
