import { Inject, Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { NOOP_TRACING, TRACING, type Tracing } from '@lib/tracing';
import type { FastifyInstance } from 'fastify';
import { SERVICE_LOGGING_OPTIONS } from '../logging/logging.constants';
import { DEFAULT_QUIET_ROUTES, type ServiceLoggingOptions } from '../logging/logging.options';

/**
 * The server span of each request (`POST /alexa`), continuing the ingress's W3C `traceparent`: started when
 * Fastify has routed the request, active while Nest handles it (guards, controller and everything they await),
 * ended when the answer is sent. Attributes follow OpenTelemetry's HTTP conventions, from code only: method,
 * route pattern (never the path a caller sent) and status; a 5xx marks the span failed. Probes are not traced.
 * Registered before the request log hook, whose line is then written inside the span (`trace_id`).
 */
@Injectable()
export class RequestTraceHooks implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(SERVICE_LOGGING_OPTIONS) private readonly options: ServiceLoggingOptions,
    @Optional() @Inject(TRACING) private readonly tracing: Tracing = NOOP_TRACING,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!this.tracing.enabled || !fastify || typeof fastify.addHook !== 'function') return;
    const tracing = this.tracing;
    const quiet = new Set(this.options.quietRoutes ?? DEFAULT_QUIET_ROUTES);
    fastify.addHook('onRequest', (request, _reply, done) => {
      const route = request.routeOptions.url;
      if (route === undefined || !quiet.has(route)) {
        const method = request.method;
        tracing.startRequest(request.raw, request.headers, route ? `${method} ${route}` : method, {
          'http.request.method': method,
          'http.route': route,
        });
      }
      done();
    });
    fastify.addHook('preHandler', (request, _reply, done) => tracing.withinRequest(request.raw, done));
    fastify.addHook('onResponse', (request, reply, done) => {
      const status = reply.statusCode;
      tracing.endRequest(
        request.raw,
        { 'http.response.status_code': status },
        status >= 500 ? String(status) : undefined,
      );
      tracing.withinRequest(request.raw, done);
    });
  }
}
