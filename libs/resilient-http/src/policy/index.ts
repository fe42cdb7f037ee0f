export { parseRetryAfter } from './retry-after';
export { decideRetry, fullJitter, retryWait } from './retry-decision';
export type { FailedAttempt, RetryBudgetSettings, RetryDecision } from './retry-decision';
export { UpstreamPolicies } from './upstream-policies';
export type { CallBudget } from './upstream-policies';
