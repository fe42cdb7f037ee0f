import type { ResilientClientOptions } from '@lib/resilient-http';
import type { AlexaApiEndpointOptions } from '../alexa-api/alexa-api-endpoint';

/** `allowAnyEndpoint` and `environment`: where the directive may go (the Alexa API endpoint rule). */
export interface ProgressiveResponseOptions extends AlexaApiEndpointOptions {
  /** How long the work may run before the user hears the interim speech. @default 1000 */
  delayMs?: number;
  /**
   * Settings of the `alexa-directives` client. The directive must arrive before the final answer, so the
   * budget is short, and a POST is never retried.
   * @default { totalBudgetMs: 1000, attemptTimeoutMs: 1000 }
   */
  http?: Omit<ResilientClientOptions, 'baseURL'>;
}
