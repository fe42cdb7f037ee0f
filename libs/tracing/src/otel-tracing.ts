import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import { NOOP_SPAN } from './noop-tracing';
import { TRACER_NAME } from './tracing.constants';
import type { TraceAttributes, TraceAttributeValue, TraceSpan, Tracing } from './tracing.interface';

/** Where the span of an incoming request is kept on its request object. */
const REQUEST_CONTEXT = Symbol('tracing:request-context');
type TracedRequest = { [REQUEST_CONTEXT]?: Context };

/** The SDK warns about every undefined attribute value: they are left out here. */
function defined(attributes: TraceAttributes): Attributes {
  const result: Attributes = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) result[key] = value;
  }
  return result;
}

class OtelSpan implements TraceSpan {
  private failed = false;

  constructor(readonly span: Span) {}

  setAttribute(key: string, value: TraceAttributeValue | undefined): void {
    if (value !== undefined) this.span.setAttribute(key, value);
  }

  /** The first failure names the span's error: later ones (the same failure thrown on) do not overwrite it. */
  fail(errorType: string): void {
    if (this.failed) return;
    this.failed = true;
    this.span.setAttribute('error.type', errorType);
    this.span.setStatus({ code: SpanStatusCode.ERROR });
  }
}

function errorType(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/**
 * Spans through the OpenTelemetry API: whatever SDK the app registered records and exports them (the API's no-op
 * tracer when none). Context travels through AsyncLocalStorage (the SDK's context manager), and `traceparent` is
 * read and written by the registered W3C propagator. Spans never record exceptions: only the error's class name.
 */
export class OtelTracing implements Tracing {
  readonly enabled = true;
  private readonly tracer: Tracer;

  constructor(tracer: Tracer = trace.getTracer(TRACER_NAME)) {
    this.tracer = tracer;
  }

  inSpan<T>(name: string, attributes: TraceAttributes, work: (span: TraceSpan) => T, kind?: 'client'): T {
    // A trace the sampler left out gets no child spans: the standard samplers never sample the child of an
    // unsampled span (parent-based ones follow it, ratio ones decide on the same trace ID), and making them
    // costs as much as making recorded ones. Log lines and upstream calls then carry the unsampled parent's IDs.
    if (trace.getActiveSpan()?.isRecording() === false) return work(NOOP_SPAN);
    const span = this.tracer.startSpan(name, {
      kind: kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL,
      attributes: defined(attributes),
    });
    const traced = new OtelSpan(span);
    let result: T;
    try {
      result = context.with(trace.setSpan(context.active(), span), work, undefined, traced);
    } catch (error) {
      traced.fail(errorType(error));
      span.end();
      throw error;
    }
    if (!(result instanceof Promise)) {
      span.end();
      return result;
    }
    return result.then(
      (value: unknown) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        traced.fail(errorType(error));
        span.end();
        throw error;
      },
    ) as T;
  }

  inject(headers: Record<string, string>): void {
    propagation.inject(context.active(), headers);
  }

  startRequest(
    request: object,
    headers: IncomingHttpHeaders,
    name: string,
    attributes: TraceAttributes,
  ): void {
    const parent = propagation.extract(ROOT_CONTEXT, headers);
    const span = this.tracer.startSpan(
      name,
      { kind: SpanKind.SERVER, attributes: defined(attributes) },
      parent,
    );
    (request as TracedRequest)[REQUEST_CONTEXT] = trace.setSpan(parent, span);
  }

  withinRequest<T>(request: object, work: () => T): T {
    const requestContext = (request as TracedRequest)[REQUEST_CONTEXT];
    return requestContext === undefined ? work() : context.with(requestContext, work);
  }

  endRequest(request: object, attributes: TraceAttributes, failed?: string): void {
    const requestContext = (request as TracedRequest)[REQUEST_CONTEXT];
    const span = requestContext && trace.getSpan(requestContext);
    if (span === undefined) return;
    span.setAttributes(defined(attributes));
    if (failed !== undefined) new OtelSpan(span).fail(failed);
    span.end();
  }
}
