import type { INestApplication, LoggerService } from '@nestjs/common';
import { ShutdownState } from './shutdown-state.service';

export interface GracefulShutdownOptions {
  /** Longest wait for in-flight requests before the process exits anyway (`SHUTDOWN_TIMEOUT_MS`). */
  timeoutMs: number;
  logger: LoggerService;
  /** Signals that start the drain. @default ['SIGTERM', 'SIGINT'] */
  signals?: NodeJS.Signals[];
  /** Called with the exit code; tests replace it. @default process.exit */
  exit?: (code: number) => void;
}

/**
 * On SIGTERM: readiness turns false at once, the server stops accepting connections and finishes
 * in-flight requests (Fastify closes idle keep-alive sockets and answers 503 to new requests on open
 * ones), then the app's shutdown hooks run and the process exits 0. If the drain outlasts the timeout,
 * the process exits 1 so Kubernetes does not wait for a stuck pod.
 */
export function installGracefulShutdown(app: INestApplication, options: GracefulShutdownOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const state = app.get(ShutdownState);
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    state.beginShutdown();
    options.logger.log(`${signal} received: draining (up to ${options.timeoutMs} ms)`, 'Shutdown');
    const timer = setTimeout(() => {
      options.logger.error(
        `drain did not finish within ${options.timeoutMs} ms: exiting`,
        undefined,
        'Shutdown',
      );
      exit(1);
    }, options.timeoutMs);
    timer.unref();
    app.close().then(
      () => {
        clearTimeout(timer);
        options.logger.log('drained: exiting', 'Shutdown');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        options.logger.error(`shutdown failed: ${(error as Error).message}`, undefined, 'Shutdown');
        exit(1);
      },
    );
  };
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) process.on(signal, onSignal);
}

/**
 * A half-alive process is worse than a restart: uncaught exceptions and unhandled rejections are logged
 * and end the process with a non-zero code, so Kubernetes restarts it.
 */
export function exitOnFatalErrors(
  logger: LoggerService,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  process.on('uncaughtException', (error) => {
    logger.error(`uncaught exception: ${error.message}`, error.stack, 'Process');
    exit(70);
  });
  process.on('unhandledRejection', (reason) => {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    logger.error(`unhandled rejection: ${error.message}`, error.stack, 'Process');
    exit(70);
  });
}
