import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { counter, METRICS_REGISTRY } from '@lib/metrics';
import type { Logger } from 'pino';
import type { Counter, Registry } from 'prom-client';
import { type ClientAbort, CLIENT_ABORT_KINDS } from '../http/client-aborts';
import { clientAbortsOf } from '../http/fastify-adapter.factory';
import { REQUEST_LOGGER, SERVICE_LOGGING_OPTIONS } from './logging.constants';
import type { ServiceLoggingOptions } from './logging.options';
import { requestLogFields } from './request-log.hooks';

/**
 * A request whose connection closed before it was answered gets its one log line here, at info level (the
 * client went away or was too slow: nothing for an operator to fix, no stack), instead of `request completed`,
 * and is counted in `http_requests_aborted_total{phase,reason}`.
 */
@Injectable()
export class ClientAbortHooks implements OnModuleInit {
  private readonly aborted: Counter<'phase' | 'reason'>;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(REQUEST_LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_LOGGING_OPTIONS) private readonly options: ServiceLoggingOptions,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.aborted = counter(registry, {
      name: 'http_requests_aborted_total',
      help: 'Requests to the app server whose connection closed before they were answered, by phase (headers, body, response) and reason (client_closed, timeout: REQUEST_TIMEOUT_MS).',
      labelNames: ['phase', 'reason'],
    });
    for (const kind of CLIENT_ABORT_KINDS) this.aborted.inc(kind, 0);
  }

  onModuleInit(): void {
    clientAbortsOf(this.adapterHost.httpAdapter)?.subscribe((abort) => this.record(abort));
  }

  private record({ phase, reason, request, reply }: ClientAbort): void {
    this.aborted.inc({ phase, reason });
    if (!this.logger.isLevelEnabled('info')) return;
    const fields = request
      ? requestLogFields(request, reply, { phase, reason }, this.options.requestProps)
      : { phase, reason };
    this.logger.info(fields, 'request aborted');
  }
}
