import { DiagLogLevel, diag, type DiagLogger } from '@opentelemetry/api';
import { startNodeSdk } from '@opentelemetry/sdk-node';
import type { Logger } from 'pino';

/** The started OpenTelemetry SDK, as the app holds it. */
export interface TracingSdk {
  /** Exports the spans still queued, then stops (bounded by `OTEL_BSP_EXPORT_TIMEOUT`). */
  shutdown(): Promise<void>;
  /** Sends the SDK's own warnings and errors (a collector that does not answer) to the app's JSON log. */
  logTo(logger: Logger): void;
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
      diag.setLogger(diagLogger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    },
  };
}
