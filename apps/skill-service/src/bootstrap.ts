import { NestFactory } from '@nestjs/core';
import type { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { createFastifyAdapter } from '@lib/service-runtime';
import { AppModule, type AppModuleExtras } from './app.module';
import type { AppConfig } from './config/env.schema';

/**
 * rawBody: verification checks the signature over the exact bytes Amazon sent. A failure while the app is built
 * (a setting a module refuses) rejects instead of Nest logging it in its own console format and exiting 1, and
 * the lines buffered until the app's logger is in place are written by that logger (`createApp`), never Nest's.
 */
export const APP_OPTIONS = {
  rawBody: true,
  bufferLogs: true,
  autoFlushLogs: false,
  abortOnError: false,
} as const;

/** The Fastify adapter with the limits from the configuration (also used by tests that build the app themselves). */
export function createServiceAdapter(config: AppConfig): FastifyAdapter {
  return createFastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: config.MAX_CONNECTIONS,
    trustProxy: config.TRUST_PROXY,
  });
}

/** Creates the application (not yet listening); `main.ts` and the end-to-end tests share it. */
export async function createApp(
  config: AppConfig,
  extras: AppModuleExtras = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, extras),
    createServiceAdapter(config),
    APP_OPTIONS,
  );
  app.useLogger(app.get(Logger));
  app.flushLogs();
  return app;
}
