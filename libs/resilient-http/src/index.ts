export { ResilientHttpModule } from './resilient-http.module';
export { InjectResilientClient } from './resilient-http.decorator';
export { getResilientClientToken } from './resilient-http.constants';
export type {
  BulkheadOptions,
  CircuitBreakerOptions,
  Clock,
  HttpMethod,
  ResilientClientDefinition,
  ResilientClientOptions,
  RetryOptions,
} from './resilient-http-options.interface';
export { ResilientHttpClient } from './client';
export type { CallOptions, UpstreamRequest, UpstreamResponse } from './client';
export {
  AccessForbiddenError,
  AccessTokenRejectedError,
  UpstreamBadResponseError,
  UpstreamClientError,
  UpstreamError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from './errors';
export type { BadResponseReason, UnavailableReason } from './errors';
export { UPSTREAM_METRIC_NAMES } from './metrics';
export type { CircuitStateName, UpstreamOutcome } from './metrics';
export { resilientClientSettings } from './settings/resilient-client.settings';
export type { ResilientClientSettingsOptions } from './settings/resilient-client.settings';
