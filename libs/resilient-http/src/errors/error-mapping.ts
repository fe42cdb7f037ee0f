import {
  isBrokenCircuitError,
  isBulkheadRejectedError,
  isIsolatedCircuitError,
  isTaskCancelledError,
} from 'cockatiel';
import type { UpstreamOutcome } from '../metrics';
import { AttemptFailure } from '../policy/attempt-failure';
import {
  AccessForbiddenError,
  AccessTokenRejectedError,
  UpstreamBadResponseError,
  UpstreamClientError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from './upstream.errors';

/** The typed error a call that failed with `error` rejects with (policy and attempt failures mapped). */
export function toUpstreamError(provider: string, operation: string, error: unknown): unknown {
  if (error instanceof AttemptFailure) {
    switch (error.kind) {
      case 'rate_limited':
        return new UpstreamRateLimitedError(provider, operation, error.retryAfterMs);
      case 'too_large':
        return new UpstreamBadResponseError(provider, operation, 'too_large');
      default:
        return new UpstreamUnavailableError(provider, operation, error.kind, error.status);
    }
  }
  if (isBrokenCircuitError(error) || isIsolatedCircuitError(error)) {
    return new UpstreamUnavailableError(provider, operation, 'circuit_open');
  }
  if (isBulkheadRejectedError(error))
    return new UpstreamUnavailableError(provider, operation, 'bulkhead_full');
  if (isTaskCancelledError(error)) return new UpstreamUnavailableError(provider, operation, 'aborted');
  return error;
}

/** The `outcome` label of a call that ended with `error`. */
export function outcomeOf(error: unknown): UpstreamOutcome {
  if (error instanceof UpstreamUnavailableError) return error.reason;
  if (error instanceof AccessTokenRejectedError) return 'rejected_token';
  if (error instanceof AccessForbiddenError) return 'forbidden';
  if (error instanceof UpstreamRateLimitedError) return 'rate_limited';
  if (error instanceof UpstreamClientError) return 'client_error';
  if (error instanceof UpstreamBadResponseError) return 'bad_response';
  return 'error';
}
