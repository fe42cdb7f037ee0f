/**
 * Typed upstream failures. Handlers turn them into speech (and account linking turns 401/403 into link
 * cards), so each carries the provider and the operation named in code, and never the token, the URL, the
 * request config or the upstream body: nothing here is unsafe to log.
 */

/** Why an upstream is considered unavailable for this call. */
export type UnavailableReason =
  /** The circuit breaker is open (or half-open with its probe in flight): nothing was sent. */
  | 'circuit_open'
  /** The provider's bulkhead is full: nothing was sent. */
  | 'bulkhead_full'
  /** The last attempt got no answer within the per-attempt timeout. */
  | 'timeout'
  /** The total budget (or the caller's deadline) ran out. */
  | 'budget_exhausted'
  /** The upstream answered 5xx (after the retries allowed). */
  | 'server_error'
  /** The connection failed (refused, reset, DNS). */
  | 'network'
  /** The caller aborted the call through its AbortSignal. */
  | 'aborted';

/** Why a response could not be used. */
export type BadResponseReason = 'unparseable' | 'schema' | 'too_large' | 'unexpected_status';

export abstract class UpstreamError extends Error {
  /** Stable machine-readable kind, e.g. for a switch in a handler. */
  abstract readonly code: string;
  /** Provider name the client was declared with (e.g. `music`). */
  readonly provider: string;
  /** Operation name given in code (e.g. `currently_playing`). */
  readonly operation: string;
  /** HTTP status the upstream answered with, when it answered. */
  readonly status: number | undefined;

  protected constructor(provider: string, operation: string, status: number | undefined, detail: string) {
    super(`${provider}/${operation}: ${detail}`);
    this.name = new.target.name;
    this.provider = provider;
    this.operation = operation;
    this.status = status;
  }
}

/** The upstream rejected the user's access token (401): the account must be linked again. */
export class AccessTokenRejectedError extends UpstreamError {
  readonly code = 'access_token_rejected';
  constructor(provider: string, operation: string) {
    super(provider, operation, 401, 'access token rejected (401)');
  }
}

/** The token is valid but not allowed to do this (403), e.g. an insufficient OAuth scope. */
export class AccessForbiddenError extends UpstreamError {
  readonly code = 'access_forbidden';
  constructor(provider: string, operation: string) {
    super(provider, operation, 403, 'access forbidden (403)');
  }
}

/** The upstream rate-limited us (429) and its Retry-After did not fit the budget (or retries ran out). */
export class UpstreamRateLimitedError extends UpstreamError {
  readonly code = 'upstream_rate_limited';
  /** The upstream's Retry-After, in milliseconds, when it sent one. */
  readonly retryAfterMs: number | undefined;
  constructor(provider: string, operation: string, retryAfterMs?: number) {
    super(
      provider,
      operation,
      429,
      retryAfterMs === undefined
        ? 'rate limited (429)'
        : `rate limited (429), retry after ${retryAfterMs} ms`,
    );
    this.retryAfterMs = retryAfterMs;
  }
}

/** The upstream cannot serve this call now: breaker open, budget spent, 5xx or network failure. */
export class UpstreamUnavailableError extends UpstreamError {
  readonly code = 'upstream_unavailable';
  readonly reason: UnavailableReason;
  constructor(provider: string, operation: string, reason: UnavailableReason, status?: number) {
    super(
      provider,
      operation,
      status,
      status === undefined ? `unavailable (${reason})` : `unavailable (${reason} ${status})`,
    );
    this.reason = reason;
  }
}

/** The upstream answered, but with a body we cannot use (not JSON, or not the shape the schema expects). */
export class UpstreamBadResponseError extends UpstreamError {
  readonly code = 'upstream_bad_response';
  readonly reason: BadResponseReason;
  /** Paths of the schema violations (e.g. `item.name`), never the values. */
  readonly issues: readonly string[];
  constructor(
    provider: string,
    operation: string,
    reason: BadResponseReason,
    status?: number,
    issues: readonly string[] = [],
  ) {
    super(
      provider,
      operation,
      status,
      issues.length === 0 ? `bad response (${reason})` : `bad response (${reason}: ${issues.join(', ')})`,
    );
    this.reason = reason;
    this.issues = issues;
  }
}

/**
 * Any other 4xx: the request was wrong for the upstream (400, 404, 409...). `upstreamReason` carries the
 * upstream's machine-readable reason when it sent a short one (Spotify's `error.reason`, e.g. `NO_ACTIVE_DEVICE`).
 */
export class UpstreamClientError extends UpstreamError {
  readonly code = 'upstream_client_error';
  readonly upstreamReason: string | undefined;
  constructor(provider: string, operation: string, status: number, upstreamReason?: string) {
    super(
      provider,
      operation,
      status,
      upstreamReason === undefined
        ? `request rejected (${status})`
        : `request rejected (${status} ${upstreamReason})`,
    );
    this.upstreamReason = upstreamReason;
  }
}
