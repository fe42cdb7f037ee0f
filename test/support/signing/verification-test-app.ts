import type { ModuleMetadata } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  CERTIFICATE_SOURCE,
  CLOCK,
  VERIFICATION_CHECKS,
  type CertificateSource,
  type Clock,
  type VerificationCheck,
} from '@lib/alexa-verification';
import { MetricsServer } from '@lib/metrics';
import { Logger } from 'nestjs-pino';
import { AppModule } from '../../../apps/skill-service/src/app.module';
import { APP_OPTIONS, createServiceAdapter } from '../../../apps/skill-service/src/bootstrap';
import { loadConfig } from '../../../apps/skill-service/src/config/env.schema';
import { LogCapture, metricValue, TEST_SERVICE_ENV } from '../test-app';
import type { SignedRequest } from './signed-request';

export interface VerificationTestAppOptions {
  /** Environment on top of the test defaults (`ALEXA_SKILL_ID`, `ALEXA_TRUSTED_CA_FILE`, ...). */
  env?: Record<string, string>;
  /** Replaces the clock (DI override of `CLOCK`). */
  clock?: Clock;
  /** Replaces the certificate source (DI override of `CERTIFICATE_SOURCE`). */
  certificateSource?: CertificateSource;
  /** More modules (test controllers, a domain module). */
  imports?: ModuleMetadata['imports'];
  /** Replace further providers by token before the app is built. */
  overrides?: ReadonlyArray<readonly [token: unknown, value: unknown]>;
}

export interface Reply {
  readonly statusCode: number;
  readonly body: string;
  json(): any;
}

export interface VerificationTestApp {
  readonly app: NestFastifyApplication;
  readonly logs: LogCapture;
  readonly endpoint: string;
  send(request: SignedRequest, url?: string): Promise<Reply>;
  /** `alexa_verification_failures_total` by check, read from the management server. */
  failures(): Promise<Record<VerificationCheck, number>>;
  close(): Promise<void>;
}

/**
 * The real application (AppModule, the Fastify adapter with the service's limits, raw body on) built through
 * `Test.createTestingModule`, so a test can replace the clock and the certificate source through DI.
 */
export async function createVerificationTestApp(
  options: VerificationTestAppOptions = {},
): Promise<VerificationTestApp> {
  const env = { ...TEST_SERVICE_ENV, ...options.env };
  const config = loadConfig(env);
  const logs = new LogCapture();
  let builder = Test.createTestingModule({
    imports: [AppModule.forRoot(config, { imports: options.imports, logDestination: logs })],
  });
  if (options.clock) builder = builder.overrideProvider(CLOCK).useValue(options.clock);
  if (options.certificateSource) {
    builder = builder.overrideProvider(CERTIFICATE_SOURCE).useValue(options.certificateSource);
  }
  for (const [token, value] of options.overrides ?? []) {
    builder = builder.overrideProvider(token as string).useValue(value);
  }
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createServiceAdapter(config),
    APP_OPTIONS,
  );
  app.useLogger(app.get(Logger));
  app.flushLogs();
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const endpoint = config.ALEXA_ENDPOINT_PATH;
  return {
    app,
    logs,
    endpoint,
    async send(request, url = endpoint) {
      const res = await app.inject({
        method: 'POST',
        url,
        headers: request.headers,
        payload: request.payload,
      });
      return { statusCode: res.statusCode, body: res.body, json: () => res.json() };
    },
    async failures() {
      const port = app.get(MetricsServer).port();
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const counts = {} as Record<VerificationCheck, number>;
      for (const check of VERIFICATION_CHECKS) {
        counts[check] = metricValue(text, 'alexa_verification_failures_total', { check });
      }
      return counts;
    },
    close: () => app.close(),
  };
}
