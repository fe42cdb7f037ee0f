import { type DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ROOT_LOGGER, SERVICE_LOGGING_OPTIONS } from './logging.constants';
import { createRootLogger, type ServiceLoggingOptions } from './logging.options';
import { RequestLogHooks } from './request-log.hooks';

/**
 * Structured logging: Nest's Logger goes to pino (nestjs-pino, without its per-request middleware),
 * plus one line per request from `RequestLogHooks`.
 */
@Global()
@Module({})
export class ServiceLoggingModule {
  static forRoot(options: ServiceLoggingOptions): DynamicModule {
    const logger = createRootLogger(options);
    return {
      module: ServiceLoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] })],
      providers: [
        { provide: ROOT_LOGGER, useValue: logger },
        { provide: SERVICE_LOGGING_OPTIONS, useValue: options },
        RequestLogHooks,
      ],
      exports: [ROOT_LOGGER, LoggerModule],
    };
  }
}
