import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AccountLinkingModule, type AccountLinkingModuleOptions } from '@lib/account-linking';
import { AlexaSkillModule, ProgressiveResponseModule, skillRequestReport } from '@lib/alexa-skill';
import { AlexaVerificationModule } from '@lib/alexa-verification';
import { MetricsModule } from '@lib/metrics';
import { MUSIC_PROVIDER } from '@lib/music';
import { type FeatureModule, HealthModule, ServiceLoggingModule } from '@lib/service-runtime';
import { StateStoreModule } from '@lib/state-store';
import { traceLogFields, TracingModule, type TracingModuleOptions } from '@lib/tracing';
import type { DestinationStream } from 'pino';
import type { AppConfig } from './config/env.schema';
import { FEATURE_MODULES } from './feature-modules';

export interface AppModuleExtras {
  /** The feature modules, whose settings `config` was validated with. @default FEATURE_MODULES */
  features?: readonly FeatureModule<unknown>[];
  /** More modules, e.g. a domain module in a test. */
  imports?: ModuleMetadata['imports'];
  /** Where log lines go (tests capture them). @default stdout */
  logDestination?: DestinationStream;
  /** Account-linking options on top of the app's (tests). */
  accountLinking?: AccountLinkingModuleOptions;
  /** The started OpenTelemetry SDK (`main.ts` starts it when an OTLP endpoint is set). @default undefined: off */
  tracing?: TracingModuleOptions['sdk'];
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
        // Spans of every library below; the no-op tracing when the SDK was not started.
        TracingModule.forRoot({ sdk: extras.tracing }),
        ServiceLoggingModule.forRoot({
          level: config.LOG_LEVEL,
          pretty: config.LOG_FORMAT === 'pretty',
          destination: extras.logDestination,
          // trace_id and span_id on every line written inside a trace.
          mixin: extras.tracing && traceLogFields,
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
        // Shared across pods when REDIS_URL is set; the pod's memory otherwise.
        StateStoreModule.forRoot({
          redisUrl: config.REDIS_URL,
          keySecret: config.STATE_KEY_SECRET,
          commandTimeoutMs: config.STATE_COMMAND_TIMEOUT_MS,
        }),
        // First APP_GUARD: nothing below runs for a request that did not come from Amazon.
        AlexaVerificationModule.forRoot({
          enabled: config.ALEXA_VERIFY,
          skillIds: config.ALEXA_SKILL_ID?.split(',').map((id) => id.trim()) ?? [],
          certSource: config.ALEXA_CERT_SOURCE,
          trustedCaFile: config.ALEXA_TRUSTED_CA_FILE,
          replayProtection: config.ALEXA_REPLAY_PROTECTION,
          production: config.NODE_ENV === 'production',
        }),
        AlexaSkillModule.forRoot({
          endpointPath: config.ALEXA_ENDPOINT_PATH,
          deadlineMs: config.ALEXA_DEADLINE_MS,
          maxResponseBytes: config.ALEXA_MAX_RESPONSE_BYTES,
          attributesTtlSeconds: config.STATE_ATTRIBUTES_TTL_SECONDS,
          // handlerInput.serviceClientFactory calls: the same endpoint rule as progressive responses.
          alexaApi: { allowAnyEndpoint: config.ALEXA_API_ENDPOINT_ALLOW_ANY, environment: config.NODE_ENV },
        }),
        AccountLinkingModule.forRoot({ defaultProvider: MUSIC_PROVIDER, ...extras.accountLinking }),
        ProgressiveResponseModule.forRoot({
          isGlobal: true,
          delayMs: config.PROGRESSIVE_RESPONSE_DELAY_MS,
          allowAnyEndpoint: config.ALEXA_API_ENDPOINT_ALLOW_ANY,
          environment: config.NODE_ENV,
        }),
        // Domain modules: each brings its handlers and its validated settings; nothing above names them.
        ...(extras.features ?? FEATURE_MODULES).map((feature) =>
          feature.forRoot(feature.settings.options(config)),
        ),
        ...(extras.imports ?? []),
      ],
    };
  }
}
