import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import {
  exitOnFatalErrors,
  installGracefulShutdown,
  SERVICE_LOGGERS,
  type ServiceLoggers,
} from '@lib/service-runtime';
import { createApp } from './bootstrap';
import { ConfigurationError, loadConfig } from './config/env.schema';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const app = await createApp(config);
  const logger = app.get(Logger);
  const loggers = app.get<ServiceLoggers>(SERVICE_LOGGERS);
  // Log lines are written in batches: write out what is buffered before the process ends.
  const exit = (code: number): void => {
    loggers.flush();
    process.exit(code);
  };
  exitOnFatalErrors(logger, exit);
  installGracefulShutdown(app, { timeoutMs: config.SHUTDOWN_TIMEOUT_MS, logger, exit });
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.log(
    `skill endpoint listening on ${config.HOST}:${config.PORT}${config.ALEXA_ENDPOINT_PATH}`,
    'Bootstrap',
  );
  if (config.NODE_ENV === 'production' && !config.REDIS_URL) {
    // A pod cannot count its siblings: said at every production start without a shared store.
    logger.warn(
      'no REDIS_URL: replay protection, skill-event dedupe and persistent attributes are per pod; ' +
        'with more than one replica, set REDIS_URL (docs/scale-out.md)',
      'Bootstrap',
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
