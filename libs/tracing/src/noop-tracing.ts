import type { TraceSpan, Tracing } from './tracing.interface';

/** A span that records nothing. */
export const NOOP_SPAN: TraceSpan = Object.freeze({
  setAttribute: () => undefined,
  fail: () => undefined,
});

/** Tracing off: work runs as it is, nothing is recorded. */
export const NOOP_TRACING: Tracing = Object.freeze({
  enabled: false,
  inSpan: <T>(_name: string, _attributes: unknown, work: (span: TraceSpan) => T): T => work(NOOP_SPAN),
  inject: () => undefined,
  startRequest: () => undefined,
  withinRequest: <T>(_request: object, work: () => T): T => work(),
  endRequest: () => undefined,
});
