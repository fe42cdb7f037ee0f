export { parseRetryAfter } from './retry-after';
export { decideRetry, fullJitterDelay } from './retry-decision';
export type { FailedAttempt, RetryDecision, RetryPolicySettings } from './retry-decision';
