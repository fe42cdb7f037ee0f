import type { IncomingMessage } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino blanks out wherever they appear in a log object. The request log line below never
 * includes headers or bodies; redaction is the second line of defence for explicit log calls.
 */
export const REDACTED_PATHS = [
  'accessToken',
  'apiAccessToken',
  'authorization',
  'Authorization',
  'signature',
  'Signature',
  '["signature-256"]',
  '["Signature-256"]',
  '*.accessToken',
  '*.apiAccessToken',
  '*.authorization',
  '*.Authorization',
  '*.signature',
  '*.Signature',
  '*["signature-256"]',
  '*["Signature-256"]',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers.signature',
  '*.headers["signature-256"]',
];

export interface ServiceLoggingOptions {
  /** pino level (`LOG_LEVEL`). @default 'info' */
  level?: string;
  /** Human-readable output for development (pino-pretty). @default false */
  pretty?: boolean;
  /** Where lines go; pretty output ignores it. @default stdout */
  destination?: DestinationStream;
  /** Extra properties for the one line per request, e.g. the Alexa request type and outcome. */
  requestProps?: (req: IncomingMessage) => Record<string, unknown> | undefined;
  /** Routes whose requests are not logged (probes). @default ['/health/live', '/health/ready'] */
  quietRoutes?: string[];
}

/** The process's one pino logger: JSON lines, secrets redacted, pretty in development. */
export function createRootLogger(options: ServiceLoggingOptions): Logger {
  const settings = {
    level: options.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  };
  if (options.pretty) {
    return pino({ ...settings, transport: { target: 'pino-pretty', options: { singleLine: true } } });
  }
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
