import type { HttpMethod } from '../resilient-http-options.interface';

/** Per-call limits a caller passes down, so the Alexa deadline wins over the client's own budget. */
export interface CallOptions {
  /** Absolute time (epoch ms) by which the call must be over; shortens the client's total budget. */
  deadline?: number;
  /** Aborts the call (no further attempts, the in-flight request is cancelled). */
  signal?: AbortSignal;
  /**
   * Told the HTTP status of the answer that ended a call made with `accessToken` (any status but 429 and 5xx,
   * which say nothing about the token). The account-linking funnel uses it: pass the `SkillRequestContext`.
   */
  onTokenAnswer?: (status: number) => void;
}

export interface UpstreamRequest extends CallOptions {
  /** Name of the operation, given in code (e.g. `currently_playing`): the `operation` metric label. */
  operation: string;
  /** @default 'GET' */
  method?: HttpMethod;
  /** Path relative to the client's base URL, or an absolute URL. Never put secrets in it. */
  url: string;
  /** Query parameters (undefined values are left out). */
  params?: Record<string, string | number | boolean | undefined>;
  /** The user's OAuth token, sent as `Authorization: Bearer`; never logged, never put into errors. */
  accessToken?: string;
  headers?: Record<string, string>;
  /** JSON request body. */
  data?: unknown;
  /**
   * Marks a call of a non-idempotent method (POST, PATCH) as safe to retry, e.g. one carrying an
   * idempotency key. Setting `false` disables retries for an idempotent method.
   * @default true for GET, HEAD, OPTIONS, PUT, DELETE; false otherwise
   */
  idempotent?: boolean;
}

export interface UpstreamResponse<T> {
  /** The 2xx status the upstream answered with. */
  status: number;
  /** Parsed (and, with a schema, validated) JSON body; undefined when the body is empty (e.g. 204). */
  data: T | undefined;
  /** A response header by case-insensitive name. */
  header(name: string): string | undefined;
}
