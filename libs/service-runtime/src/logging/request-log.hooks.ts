import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { REQUEST_LOGGER, SERVICE_LOGGING_OPTIONS } from './logging.constants';
import { DEFAULT_QUIET_ROUTES, type ServiceLoggingOptions } from './logging.options';

/**
 * One log line per request, written in Fastify's onResponse hook: method, route, status, latency and
 * whatever the app adds (request type, intent, outcome). Never headers or bodies. A Fastify hook
 * rather than Nest middleware: it also sees requests refused before Nest (413, 415, 404) and costs
 * less on the hot path.
 */
@Injectable()
export class RequestLogHooks implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(REQUEST_LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_LOGGING_OPTIONS) private readonly options: ServiceLoggingOptions,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || typeof fastify.addHook !== 'function') return;
    const quiet = new Set(this.options.quietRoutes ?? DEFAULT_QUIET_ROUTES);
    const requestProps = this.options.requestProps;
    const logger = this.logger;
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url;
      const status = reply.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      if ((route === undefined || !quiet.has(route)) && logger.isLevelEnabled(level)) {
        logger[level](requestLogFields(request, reply, { status }, requestProps), 'request completed');
      }
      done();
    });
  }
}

/**
 * The fields of a request's one log line: who it was (id, method, route pattern), `facts` about its end, its
 * latency (when it has a reply) and the app's own `requestProps`.
 */
export function requestLogFields(
  request: FastifyRequest,
  reply: FastifyReply | undefined,
  facts: Record<string, unknown>,
  requestProps: ServiceLoggingOptions['requestProps'],
): Record<string, unknown> {
  return {
    reqId: request.id,
    method: request.method,
    route: request.routeOptions.url ?? 'unmatched',
    ...facts,
    latencyMs: reply && Math.round(reply.elapsedTime * 100) / 100,
    ...requestProps?.(request.raw),
  };
}
