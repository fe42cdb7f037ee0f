import type { TraceSpan, Tracing } from '@lib/tracing';
import type { AxiosRequestConfig } from 'axios';
import type { CircuitStateName, UpstreamOutcome } from '../metrics';
import type { HttpMethod } from '../resilient-http-options.interface';

/** One call through the policies (retries, breaker, bulkhead): parent of its attempts. */
export const CALL_SPAN = 'upstream.call';
/** One HTTP request to the upstream; its `traceparent` names this span. */
export const ATTEMPT_SPAN = 'upstream.attempt';

/** What a call's spans say about it; all of it is set in code (provider and operation names), never a URL. */
export interface UpstreamSpanFacts {
  provider: string;
  operation: string;
  method: HttpMethod;
}

export function callAttributes(facts: UpstreamSpanFacts) {
  return {
    'upstream.provider': facts.provider,
    'upstream.operation': facts.operation,
    'http.request.method': facts.method,
  };
}

/** An attempt: which one (0 for the first; OpenTelemetry's `http.request.resend_count` from the first retry). */
export function attemptAttributes(facts: UpstreamSpanFacts, retry: number, circuit: CircuitStateName) {
  return {
    ...callAttributes(facts),
    'upstream.retry': retry,
    'http.request.resend_count': retry > 0 ? retry : undefined,
    'upstream.breaker.state': circuit,
  };
}

/** The call's outcome (the `outcome` label of `upstream_requests_total`); anything but success fails the span. */
export function endCallSpan(span: TraceSpan, outcome: UpstreamOutcome, attempts: number): void {
  span.setAttribute('upstream.outcome', outcome);
  span.setAttribute('upstream.attempts', attempts);
  if (outcome !== 'success') span.fail(outcome);
}

/**
 * The attempt's request config with the active span's `traceparent` added to its headers (a copy: the call's
 * config is shared by its attempts, each of which has its own span).
 */
export function withTraceHeaders(tracing: Tracing, config: AxiosRequestConfig): AxiosRequestConfig {
  const headers = { ...(config.headers as Record<string, string> | undefined) };
  tracing.inject(headers);
  return { ...config, headers };
}
