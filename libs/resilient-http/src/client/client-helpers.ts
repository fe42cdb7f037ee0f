import type { AxiosRequestConfig } from 'axios';
import { CircuitState } from 'cockatiel';
import {
  AccessForbiddenError,
  AccessTokenRejectedError,
  UpstreamBadResponseError,
  UpstreamClientError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from '../errors';
import type { CircuitStateName, UpstreamOutcome } from '../metrics';
import type { HttpMethod } from '../resilient-http-options.interface';
import type { UpstreamRequest } from './upstream-request.interface';

/** A short machine-readable reason in an error body (Spotify: `error.reason`), bounded for safe logging. */
const UPSTREAM_REASON = /^[A-Za-z0-9_.-]{1,64}$/;

/** cockatiel's state as the metrics name it. */
export function circuitStateName(state: CircuitState): CircuitStateName {
  if (state === CircuitState.Closed) return 'closed';
  if (state === CircuitState.HalfOpen) return 'half_open';
  return 'open';
}

/** A setting that must be a positive number. */
export function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`resilient-http: ${name} must be > 0, got ${value}`);
  return value;
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

/** Only the keys a call sets: axios merges every key of the request config with its defaults. */
export function requestConfig(req: UpstreamRequest, method: HttpMethod): AxiosRequestConfig {
  const config: AxiosRequestConfig = { method, url: req.url };
  if (req.params !== undefined) config.params = req.params;
  if (req.data !== undefined) config.data = req.data;
  if (req.accessToken !== undefined)
    config.headers = { ...req.headers, authorization: `Bearer ${req.accessToken}` };
  else if (req.headers !== undefined) config.headers = req.headers;
  return config;
}

/** The upstream's own short reason for a 4xx, when its body names one in a safe form. */
export function upstreamReason(body: unknown): string | undefined {
  if (typeof body !== 'string' || body === '' || body.length > 4096) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as { error?: { reason?: unknown }; reason?: unknown; code?: unknown };
  const reason = record.error?.reason ?? record.reason ?? record.code;
  return typeof reason === 'string' && UPSTREAM_REASON.test(reason) ? reason : undefined;
}
