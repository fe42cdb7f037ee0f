import type { IncomingHttpHeaders } from 'node:http';

/** A span attribute value: bounded values from code (names, outcomes, counts), never request data. */
export type TraceAttributeValue = string | number | boolean;

/** Attributes of a span; undefined values are left out. */
export type TraceAttributes = Readonly<Record<string, TraceAttributeValue | undefined>>;

/** The span a piece of work runs in, as a library sees it. */
export interface TraceSpan {
  /** Sets one attribute (undefined: left out). */
  setAttribute(key: string, value: TraceAttributeValue | undefined): void;
  /**
   * Marks the span failed with `errorType` (the `error.type` attribute): a bounded name such as a failed check
   * or an outcome, never an error message, which can carry request data.
   */
  fail(errorType: string): void;
}

/**
 * What libraries need to trace their work. {@link NOOP_TRACING} when tracing is off (nothing is recorded and
 * nothing allocated beyond the call), the OpenTelemetry API when it is on.
 */
export interface Tracing {
  /** Whether spans are recorded at all: callers skip building attributes when not. */
  readonly enabled: boolean;
  /**
   * Runs `work` in a new span, child of the active one and itself active while `work` runs; the span ends when
   * `work` returns or its promise settles. A throw or rejection marks it failed with the error's class name
   * (unless `work` named the failure first). `kind`: `client` for a call to another service. @default internal
   */
  inSpan<T>(name: string, attributes: TraceAttributes, work: (span: TraceSpan) => T, kind?: 'client'): T;
  /** Adds the W3C `traceparent` (and `tracestate`) of the active span to outgoing request headers. */
  inject(headers: Record<string, string>): void;
  /**
   * Starts the server span of an incoming request, continuing the trace of its `traceparent` header (a new trace
   * without one), and keeps it with `request` (the Node request object).
   */
  startRequest(
    request: object,
    headers: IncomingHttpHeaders,
    name: string,
    attributes: TraceAttributes,
  ): void;
  /** Runs `work` with the span of `request` active (just `work` when the request has none). */
  withinRequest<T>(request: object, work: () => T): T;
  /** Ends the span of `request` with its last attributes; `failed` marks it failed (a 5xx answer). */
  endRequest(request: object, attributes: TraceAttributes, failed?: string): void;
}
