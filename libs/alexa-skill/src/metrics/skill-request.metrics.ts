import { Inject, Injectable } from '@nestjs/common';
import { counter, histogram, METRICS_REGISTRY } from '@lib/metrics';
import type { Counter, Histogram, Registry } from 'prom-client';
import { KNOWN_REQUEST_TYPES } from '@lib/alexa-protocol';

export type SkillRequestOutcome = 'ok' | 'handler_error' | 'rejected';

/**
 * `alexa_requests_total` and `alexa_request_duration_seconds`. Label values from the wire are bounded:
 * unknown request types and intents that no handler registered are counted as `other`.
 */
@Injectable()
export class SkillRequestMetrics {
  private readonly requests: Counter<'request_type' | 'intent' | 'outcome'>;
  private readonly duration: Histogram<'request_type'>;
  private knownIntents: ReadonlySet<string> = new Set();

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.requests = counter(registry, {
      name: 'alexa_requests_total',
      help: 'Alexa requests answered, by request type, intent (registered intents only, else "other") and outcome.',
      labelNames: ['request_type', 'intent', 'outcome'],
    });
    this.duration = histogram(registry, {
      name: 'alexa_request_duration_seconds',
      help: 'Time from arrival of an Alexa request to its answer, by request type.',
      labelNames: ['request_type'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 6, 8],
    });
  }

  /**
   * Called once the handlers are known. Creates every apology series at 0 (each request type; for intent requests,
   * each registered intent and `other`): the availability SLO counts apologies with rate(), which cannot see the
   * first count of a series born between two scrapes, so a new pod's first apologies would be lost.
   */
  setKnownIntents(intents: ReadonlySet<string>): void {
    this.knownIntents = intents;
    for (const type of [...KNOWN_REQUEST_TYPES, 'other']) {
      for (const intent of type === 'IntentRequest' ? [...intents, 'other'] : ['none'])
        this.requests.inc({ request_type: type, intent, outcome: 'handler_error' }, 0);
    }
  }

  requestTypeLabel(requestType: string | undefined): string {
    return requestType && KNOWN_REQUEST_TYPES.has(requestType) ? requestType : 'other';
  }

  intentLabel(intent: string | undefined): string {
    if (!intent) return 'none';
    return this.knownIntents.has(intent) ? intent : 'other';
  }

  record(
    requestType: string | undefined,
    intent: string | undefined,
    outcome: SkillRequestOutcome,
    seconds: number,
  ): void {
    const type = this.requestTypeLabel(requestType);
    this.requests.inc({ request_type: type, intent: this.intentLabel(intent), outcome });
    this.duration.observe({ request_type: type }, seconds);
  }
}
