import type { ModuleSettings } from '@lib/service-runtime';
import { z } from 'zod';
import { POLICY_DEFAULTS } from '../policy/policy-defaults';
import type { ResilientClientOptions } from '../resilient-http-options.interface';

export interface ResilientClientSettingsOptions {
  /** Prefix of the variables, e.g. `BANK_API` for `BANK_API_BASE_URL`, `BANK_API_TOTAL_BUDGET_MS`, ... */
  envPrefix: string;
  /** What the variables' descriptions call the upstream, e.g. `the bank API`. */
  upstream: string;
  /**
   * The base URL when `<PREFIX>_BASE_URL` is unset. Without one the variable is required in production;
   * elsewhere (tests, the demo) the app starts without it and every call fails as unavailable (`network`).
   * @default undefined
   */
  defaultBaseUrl?: string;
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * A resilient client's settings as environment variables `<PREFIX>_*` with their limits, for a module's
 * `ModuleSettings`: base URL, budget, attempt timeout, retries, backoff, breaker and bulkhead. The defaults
 * are the client's own.
 */
export function resilientClientSettings(
  settings: ResilientClientSettingsOptions,
): ModuleSettings<ResilientClientOptions> {
  const { envPrefix: prefix, upstream, defaultBaseUrl } = settings;
  const name = (key: string) => `${prefix}_${key}`;
  const description = `Base URL of ${upstream}.`;
  const baseUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
  const variables = {
    [name('BASE_URL')]:
      defaultBaseUrl === undefined
        ? baseUrl.optional().meta({ description, defaultText: '(empty: required in production)' })
        : baseUrl.default(defaultBaseUrl).meta({ description }),
    [name('TOTAL_BUDGET_MS')]: int(50, 8000)
      .default(POLICY_DEFAULTS.totalBudgetMs)
      .meta({ description: `Longest time one call to ${upstream} may take, retries included.` }),
    [name('ATTEMPT_TIMEOUT_MS')]: int(10, 8000)
      .default(POLICY_DEFAULTS.attemptTimeoutMs)
      .meta({ description: 'Longest single attempt.' }),
    [name('MAX_RETRIES')]: int(0, 10)
      .default(POLICY_DEFAULTS.maxRetries)
      .meta({ description: 'Retries of idempotent calls on network errors, timeouts, 429, 502/503/504.' }),
    [name('RETRY_BASE_DELAY_MS')]: int(0, 5000)
      .default(POLICY_DEFAULTS.baseDelayMs)
      .meta({ description: 'First backoff step (exponential, full jitter).' }),
    [name('RETRY_MAX_DELAY_MS')]: int(0, 8000)
      .default(POLICY_DEFAULTS.maxDelayMs)
      .meta({ description: 'Largest backoff step.' }),
    [name('BREAKER_FAILURES')]: int(1, 1000)
      .default(POLICY_DEFAULTS.consecutiveFailures)
      .meta({ description: 'Consecutive failed attempts that open the circuit breaker.' }),
    [name('BREAKER_HALF_OPEN_AFTER_MS')]: int(100, 600_000)
      .default(POLICY_DEFAULTS.halfOpenAfterMs)
      .meta({ description: 'Time the breaker stays open before one probe call.' }),
    [name('MAX_CONCURRENT')]: int(1, 100_000)
      .optional()
      .meta({
        description: `Bulkhead: most concurrent calls to ${upstream} per pod.`,
        defaultText: '(unlimited)',
      }),
  };
  return {
    variables,
    options: (env) => {
      const value = (key: string) => env[name(key)] as number;
      const maxConcurrent = env[name('MAX_CONCURRENT')] as number | undefined;
      return {
        baseURL: env[name('BASE_URL')] as string | undefined,
        totalBudgetMs: value('TOTAL_BUDGET_MS'),
        attemptTimeoutMs: value('ATTEMPT_TIMEOUT_MS'),
        retry: {
          maxRetries: value('MAX_RETRIES'),
          baseDelayMs: value('RETRY_BASE_DELAY_MS'),
          maxDelayMs: value('RETRY_MAX_DELAY_MS'),
        },
        circuitBreaker: {
          consecutiveFailures: value('BREAKER_FAILURES'),
          halfOpenAfterMs: value('BREAKER_HALF_OPEN_AFTER_MS'),
        },
        bulkhead: maxConcurrent === undefined ? undefined : { maxConcurrent },
      };
    },
    check: (env, { production }) =>
      production && env[name('BASE_URL')] === undefined
        ? [{ variable: name('BASE_URL'), message: `required with NODE_ENV=production (${upstream})` }]
        : [],
  };
}
