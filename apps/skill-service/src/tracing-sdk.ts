import { DiagLogLevel, diag, type DiagLogger } from '@opentelemetry/api';
import { startNodeSdk } from '@opentelemetry/sdk-node';
import type { Logger } from 'pino';

/** The started OpenTelemetry SDK, as the app holds it. */
export interface TracingSdk {
  /** Exports the spans still queued, then stops (bounded by `OTEL_BSP_EXPORT_TIMEOUT`). */
  shutdown(): Promise<void>;
  /**
   * Sends the SDK's own lines (a collector that does not answer) to the app's JSON log, from the level of
   * `OTEL_LOG_LEVEL` on.
   */
  logTo(logger: Logger): void;
}

/**
 * `OTEL_LOG_LEVEL` read as the SDK reads it (NONE, ERROR, WARN, INFO, DEBUG, VERBOSE, ALL, in any case); WARN when
 * unset or unknown, not the SDK's INFO: its start-up chatter is not worth a log line per pod.
 */
export function diagLogLevel(value: string | undefined): DiagLogLevel {
  const level = DiagLogLevel[(value ?? '').trim().toUpperCase() as keyof typeof DiagLogLevel];
  return typeof level === 'number' ? level : DiagLogLevel.WARN;
}

/**
 * Starts OpenTelemetry tracing, configured by the standard `OTEL_*` variables only, read by the SDK
 * (`@opentelemetry/sdk-node`: exporter and protocol, endpoint, service name and resource, sampler, batch span
 * processor, propagators). Only traces: no metrics (Prometheus has them) and no log export (stdout has them).
 * No auto-instrumentation: the libraries make their own spans, with bounded attributes.
 *
 * Loaded by `main.ts` with a dynamic import only when tracing is on, so a service without an endpoint never
 * loads the SDK.
 */
export function startTracingSdk(): TracingSdk {
  const sdk = startNodeSdk({ metricReaders: [], logRecordProcessors: [], instrumentations: [] });
  return {
    shutdown: () => sdk.shutdown(),
    logTo(logger) {
      const child = logger.child({ context: 'OpenTelemetry' });
      const diagLogger: DiagLogger = {
        error: (message) => child.error(message),
        warn: (message) => child.warn(message),
        info: (message) => child.info(message),
        debug: (message) => child.debug(message),
        verbose: (message) => child.trace(message),
      };
      diag.setLogger(diagLogger, {
        logLevel: diagLogLevel(process.env.OTEL_LOG_LEVEL),
        suppressOverrideMessage: true,
      });
    },
  };
}
