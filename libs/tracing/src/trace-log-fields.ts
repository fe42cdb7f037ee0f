import { isSpanContextValid, trace } from '@opentelemetry/api';

/** The fields log lines carry to find their trace (the names of OpenTelemetry's log correlation). */
export interface TraceLogFields {
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
}

/**
 * `trace_id`, `span_id` and `trace_flags` (`01`: sampled, so the trace was exported) of the active span, or no
 * fields outside a trace. Meant as a pino `mixin`, installed only when tracing is on; a new object every time,
 * since pino merges the line's own fields into it.
 */
export function traceLogFields(): TraceLogFields {
  const span = trace.getActiveSpan();
  if (span === undefined) return {};
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return {};
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: spanContext.traceFlags & 1 ? '01' : '00',
  };
}
