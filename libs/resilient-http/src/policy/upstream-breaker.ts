import { CircuitState, ConsecutiveBreaker, SamplingBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import type { CircuitBreakerPolicy } from 'cockatiel';
import type { CircuitStateName } from '../metrics';
import type { CircuitBreakerOptions } from '../resilient-http-options.interface';
import { countsForBreaker } from './attempt-failure';
import { POLICY_DEFAULTS as DEFAULTS, positive } from './policy-defaults';

/** cockatiel's breaker counting the attempts that say the upstream is sick (5xx, timeouts, network errors). */
export function upstreamBreaker(options: CircuitBreakerOptions): CircuitBreakerPolicy {
  return circuitBreaker(handleWhen(countsForBreaker), {
    halfOpenAfter: positive('halfOpenAfterMs', options.halfOpenAfterMs ?? DEFAULTS.halfOpenAfterMs),
    breaker: options.sampling
      ? new SamplingBreaker({
          threshold: options.sampling.threshold,
          duration: options.sampling.durationMs,
          minimumRps: options.sampling.minimumRps,
        })
      : new ConsecutiveBreaker(options.consecutiveFailures ?? DEFAULTS.consecutiveFailures),
  });
}

/** cockatiel's state as the metrics name it. */
export function circuitStateName(state: CircuitState): CircuitStateName {
  if (state === CircuitState.Closed) return 'closed';
  if (state === CircuitState.HalfOpen) return 'half_open';
  return 'open';
}
