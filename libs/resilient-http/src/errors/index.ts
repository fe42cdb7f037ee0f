export {
  AccessForbiddenError,
  AccessTokenRejectedError,
  UpstreamBadResponseError,
  UpstreamClientError,
  UpstreamError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from './upstream.errors';
export type { BadResponseReason, UnavailableReason } from './upstream.errors';
