import type { AxiosResponse } from 'axios';
import type { ZodType } from 'zod';
import type { UpstreamResponse } from '../client/upstream-request.interface';
import {
  AccessForbiddenError,
  AccessTokenRejectedError,
  UpstreamBadResponseError,
  UpstreamClientError,
} from '../errors';
import { AttemptFailure } from '../policy/attempt-failure';
import { parseRetryAfter } from '../policy/retry-after';
import type { ErrorReasonReader } from '../resilient-http-options.interface';

/** A reason is kept only in this short, log-safe form. */
const SAFE_REASON = /^[A-Za-z0-9_.-]{1,64}$/;
/** Larger error bodies are not read for a reason. */
const MAX_REASON_BODY_CHARS = 4096;

/** Who asked: the names errors carry, and the provider's reader of its error bodies. */
export interface AnswerContext {
  readonly provider: string;
  readonly operation: string;
  readonly errorReason: ErrorReasonReader | undefined;
}

/**
 * The failed attempt an answer stands for (429 and 5xx, with the upstream's Retry-After), or undefined when
 * the answer is final (2xx, 4xx but 429) and ends the call.
 */
export function failedAttemptOf(response: AxiosResponse<string>, now: number): AttemptFailure | undefined {
  const status = response.status;
  if (status !== 429 && status < 500) return undefined;
  const retryAfterMs = parseRetryAfter(response.headers['retry-after'], now);
  return new AttemptFailure(status === 429 ? 'rate_limited' : 'server_error', status, retryAfterMs);
}

/**
 * A final answer as the caller sees it: 2xx with its JSON body (validated when a schema is given; `requireBody`
 * refuses an empty one), anything else as a typed error (401, 403, other 4xx, unexpected status).
 */
export function interpretAnswer(
  context: AnswerContext,
  response: AxiosResponse<string>,
  schema: ZodType | undefined,
  requireBody: boolean,
): UpstreamResponse<unknown> {
  const { provider, operation } = context;
  const { status } = response;
  if (status === 401) throw new AccessTokenRejectedError(provider, operation);
  if (status === 403) throw new AccessForbiddenError(provider, operation);
  if (status >= 400) {
    throw new UpstreamClientError(provider, operation, status, reasonOf(context.errorReason, response.data));
  }
  if (status < 200 || status >= 300) {
    throw new UpstreamBadResponseError(provider, operation, 'unexpected_status', status);
  }

  const body = response.data;
  let data: unknown;
  if (status !== 204 && typeof body === 'string' && body !== '') {
    try {
      data = JSON.parse(body);
    } catch {
      throw new UpstreamBadResponseError(provider, operation, 'unparseable', status);
    }
  }
  if (schema !== undefined && (data !== undefined || requireBody)) {
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const paths = parsed.error.issues.slice(0, 5).map((issue) => issue.path.join('.') || '(root)');
      throw new UpstreamBadResponseError(provider, operation, 'schema', status, paths);
    }
    data = parsed.data;
  }
  const headers = response.headers;
  return {
    status,
    data,
    header: (name) => {
      const value: unknown = headers[name.toLowerCase()];
      if (typeof value === 'string') return value;
      if (Array.isArray(value)) return value.join(', ');
      return typeof value === 'number' ? String(value) : undefined;
    },
  };
}

/** The provider's short reason for a 4xx, when its reader finds one in a JSON body and it is log-safe. */
function reasonOf(read: ErrorReasonReader | undefined, body: unknown): string | undefined {
  if (read === undefined || typeof body !== 'string' || body === '' || body.length > MAX_REASON_BODY_CHARS)
    return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const reason = read(parsed);
  return typeof reason === 'string' && SAFE_REASON.test(reason) ? reason : undefined;
}
