import { type DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { REQUEST_LOGGER, ROOT_LOGGER, SERVICE_LOGGERS, SERVICE_LOGGING_OPTIONS } from './logging.constants';
import { createLoggers, type ServiceLoggingOptions } from './logging.options';
import { ClientAbortHooks } from './client-abort.hooks';
import { RequestLogHooks } from './request-log.hooks';
import { RequestTraceHooks } from '../tracing/request-trace.hooks';

/**
 * Structured logging: Nest's Logger goes to pino (nestjs-pino, without its per-request middleware),
 * plus one line per request from `RequestLogHooks` (`ClientAbortHooks` for requests whose connection closed first),
 * and the server span of each request when tracing is on (`RequestTraceHooks`).
 */
@Global()
@Module({})
export class ServiceLoggingModule {
  static forRoot(options: ServiceLoggingOptions): DynamicModule {
    const loggers = createLoggers(options);
    return {
      module: ServiceLoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { logger: loggers.root }, forRoutes: [] })],
      providers: [
        { provide: ROOT_LOGGER, useValue: loggers.root },
        { provide: REQUEST_LOGGER, useValue: loggers.requests },
        { provide: SERVICE_LOGGERS, useValue: loggers },
        { provide: SERVICE_LOGGING_OPTIONS, useValue: options },
        // Before RequestLogHooks: the request's line is written inside its span.
        RequestTraceHooks,
        RequestLogHooks,
        ClientAbortHooks,
      ],
      exports: [ROOT_LOGGER, SERVICE_LOGGERS, LoggerModule],
    };
  }
}
