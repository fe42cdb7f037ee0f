export { UPSTREAM_METRIC_NAMES, UpstreamMetrics } from './upstream.metrics';
export type { CircuitStateName, RetryReason, UpstreamOutcome } from './upstream.metrics';
