import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import pino from 'pino';
import { VerificationConfigError } from '@lib/alexa-verification';
import {
  exitOnFatalErrors,
  installGracefulShutdown,
  SERVICE_LOGGERS,
  type ServiceLoggers,
} from '@lib/service-runtime';
import { createApp } from './bootstrap';
import { ConfigurationError, loadConfig, tracingEnabled } from './config/env.schema';

/** sysexits.h: the configuration is wrong; restarting the same pod will not help. */
const EX_CONFIG = 78;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  // Before Nest is created; without an endpoint the SDK is never loaded, and the libraries' spans are no-ops.
  const tracing = tracingEnabled(config) ? (await import('./tracing-sdk.js')).startTracingSdk() : undefined;
  const app = await createApp(config, { tracing });
  const logger = app.get(Logger);
  const loggers = app.get<ServiceLoggers>(SERVICE_LOGGERS);
  tracing?.logTo(loggers.root);
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

/** The variables a start-up refusal names, or undefined when the failure is not about configuration. */
function refusedVariables(error: unknown): string[] | undefined {
  if (error instanceof ConfigurationError) return error.variables;
  if (error instanceof VerificationConfigError) return error.variable ? [error.variable] : [];
  return undefined;
}

/**
 * One JSON line (the app's pino format; the app's own logger may not exist yet), then the exit code: 78 for a
 * refused configuration, naming the variables, without a stack; 1 for anything else.
 */
main().catch((error: unknown) => {
  const log = pino({ base: { pid: process.pid } }, pino.destination({ dest: 1, sync: true }));
  const variables = refusedVariables(error);
  if (variables) {
    const problems = error instanceof ConfigurationError ? error.problems : [(error as Error).message];
    log.fatal(
      { context: 'Configuration', variables, problems },
      `invalid configuration: ${problems.join('; ')}`,
    );
    process.exit(EX_CONFIG);
  }
  log.fatal(
    { context: 'Bootstrap', err: error },
    `start-up failed: ${(error as Error)?.message ?? String(error)}`,
  );
  process.exit(1);
});
