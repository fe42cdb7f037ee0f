import type { ResilientClientOptions } from '@lib/resilient-http';

export interface ProgressiveResponseOptions {
  /** How long the work may run before the user hears the interim speech. @default 1000 */
  delayMs?: number;
  /**
   * Accept any http(s) `apiEndpoint`, not only Amazon's API hosts: for tests and local simulators.
   * Refused (start-up fails) when the environment is `production`.
   * @default false
   */
  allowAnyEndpoint?: boolean;
  /**
   * The deployment's environment (`NODE_ENV` from the validated configuration), checked against `production`.
   * @default 'production'
   */
  environment?: string;
  /**
   * Settings of the `alexa-directives` client. The directive must arrive before the final answer, so the
   * budget is short, and a POST is never retried.
   * @default { totalBudgetMs: 1000, attemptTimeoutMs: 1000 }
   */
  http?: Omit<ResilientClientOptions, 'baseURL'>;
}
