import type { CreateAxiosDefaults } from 'axios';
import type { LookupFunction } from 'node:net';

/** The time source for deadlines and durations (epoch milliseconds); injectable so tests are deterministic. */
export interface Clock {
  now(): number;
}

/**
 * Reads a provider's machine-readable reason from the parsed JSON body of a 4xx answer, e.g. Spotify's
 * `error.reason` (`NO_ACTIVE_DEVICE`). What it returns is kept only when it is a short token.
 */
export type ErrorReasonReader = (body: unknown) => unknown;

export type HttpMethod = 'GET' | 'HEAD' | 'OPTIONS' | 'PUT' | 'DELETE' | 'POST' | 'PATCH';

export interface RetryOptions {
  /** Retries after the first attempt (so at most `maxRetries + 1` attempts). @default 2 */
  maxRetries?: number;
  /** Backoff base: the first retry waits a random time up to this. @default 100 */
  baseDelayMs?: number;
  /** Cap of the exponential backoff before jitter. @default 1000 */
  maxDelayMs?: number;
  /** A retry is only made when at least this much budget is left after its wait. @default 100 */
  minAttemptMs?: number;
  /**
   * Methods retried without asking (idempotent per RFC 9110); others only when a call sets `idempotent: true`.
   * @default ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']
   */
  methods?: HttpMethod[];
  /** Statuses retried (network errors and attempt timeouts always are). @default [429, 502, 503, 504] */
  statuses?: number[];
}

export interface CircuitBreakerOptions {
  /** Open after this many consecutive failed attempts (5xx, timeout, network). @default 5 */
  consecutiveFailures?: number;
  /**
   * Open on a failure ratio instead: `threshold` (0..1) of attempts failed within `durationMs`, once at
   * least `minimumRps` requests per second were seen. Replaces `consecutiveFailures` when set.
   */
  sampling?: { threshold: number; durationMs: number; minimumRps?: number };
  /** How long the circuit stays open before one half-open probe is let through. @default 10000 */
  halfOpenAfterMs?: number;
}

export interface BulkheadOptions {
  /** Concurrent calls allowed for this provider; further calls fail at once with `bulkhead_full`. */
  maxConcurrent: number;
}

/** Settings of one provider's client. Every field is optional: the defaults suit an Alexa skill. */
export interface ResilientClientOptions {
  /** Base URL relative request URLs resolve against, e.g. `https://api.spotify.com`. */
  baseURL?: string;
  /**
   * Total time for one call, retries and waits included. A caller's `deadline` can only shorten it.
   * Keep it well under Alexa's 8 s so the skill always has time to speak a fallback.
   * @default 2500
   */
  totalBudgetMs?: number;
  /** Time one attempt may take (connect, response and body). @default 1000 */
  attemptTimeoutMs?: number;
  /** Retry settings, or `false` for no retries. @default {} (the retry defaults) */
  retry?: RetryOptions | false;
  /** Circuit breaker settings, or `false` for none. @default {} (the breaker defaults) */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Limit on concurrent calls to this provider. @default undefined (no limit) */
  bulkhead?: BulkheadOptions;
  /** Headers sent with every request (e.g. a User-Agent). @default {} */
  headers?: Record<string, string>;
  /**
   * The provider's error format: where its 4xx bodies name a reason (`UpstreamClientError.upstreamReason`).
   * @default undefined (no reason is read)
   */
  errorReason?: ErrorReasonReader;
  /** Largest response body accepted, in bytes. @default 1048576 */
  maxResponseBytes?: number;
  /** Sockets kept per upstream host (keep-alive pool). @default Infinity */
  maxSockets?: number;
  /**
   * Resolves the upstream's host name for new connections. The default asks DNS directly and caches answers
   * for their TTL, off libuv's thread pool where the signature checks run ({@link upstreamDnsLookup});
   * `false` uses Node's `dns.lookup`.
   * @default upstreamDnsLookup()
   */
  dnsLookup?: LookupFunction | false;
  /** Time source. @default Date.now */
  clock?: Clock;
  /** Random source for the backoff jitter, in [0, 1). @default Math.random */
  random?: () => number;
  /** Extra axios defaults (proxy, adapter in unit tests); the resilience settings above win. */
  axios?: CreateAxiosDefaults;
}

/** What `forFeature` takes: the provider name plus its settings. */
export interface ResilientClientDefinition extends ResilientClientOptions {
  /** Provider name: the `provider` metric label and the injection token's name, e.g. `music`. */
  name: string;
}
