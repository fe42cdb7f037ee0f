import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AccountLinkingModule, type AccountLinkingModuleOptions } from '@lib/account-linking';
import { AlexaSkillModule, skillRequestReport } from '@lib/alexa-skill';
import { MetricsModule } from '@lib/metrics';
import { HealthModule, ServiceLoggingModule } from '@lib/service-runtime';
import type { DestinationStream } from 'pino';
import type { AppConfig } from './config/env.schema';

export interface AppModuleExtras {
  /** More modules, e.g. a domain module in a test. */
  imports?: ModuleMetadata['imports'];
  /** Where log lines go (tests capture them). @default stdout */
  logDestination?: DestinationStream;
  /** Account-linking options on top of the app's (tests). */
  accountLinking?: AccountLinkingModuleOptions;
}

/**
 * The deployable wires libraries together, in the order a request meets them:
 * Fastify (limits, raw body) -> request verification -> the skill endpoint -> handlers from domain
 * modules; logs, metrics and health around them.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, extras: AppModuleExtras = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => config] }),
        ServiceLoggingModule.forRoot({
          level: config.LOG_LEVEL,
          pretty: config.LOG_FORMAT === 'pretty',
          destination: extras.logDestination,
          requestProps: (req) => {
            const report = skillRequestReport(req);
            return report && { alexa: report };
          },
        }),
        MetricsModule.forRoot({
          port: config.METRICS_PORT,
          host: config.METRICS_HOST,
          defaultMetricsPrefix: config.METRICS_PREFIX,
        }),
        HealthModule,
        AlexaSkillModule.forRoot({
          endpointPath: config.ALEXA_ENDPOINT_PATH,
          deadlineMs: config.ALEXA_DEADLINE_MS,
          maxResponseBytes: config.ALEXA_MAX_RESPONSE_BYTES,
        }),
        AccountLinkingModule.forRoot({ defaultProvider: 'music', ...extras.accountLinking }),
        ...(extras.imports ?? []),
      ],
    };
  }
}
