import { FastifyAdapter } from '@nestjs/platform-fastify';

export interface HttpServerLimits {
  /** Largest request body in bytes; larger ones get 413 (`BODY_LIMIT_BYTES`). @default 131072 */
  bodyLimit?: number;
  /** Longest wait for a whole request, in ms. @default 10000 */
  requestTimeoutMs?: number;
  /**
   * Idle keep-alive time in ms. Longer than the ingress's upstream keep-alive (nginx: 60 s), so the
   * proxy closes idle connections first and never sends on a socket we are closing. @default 65000
   */
  keepAliveTimeoutMs?: number;
  /** Most concurrent connections per pod; 0 means unlimited. @default 0 */
  maxConnections?: number;
  /** Trust X-Forwarded-* from the ingress. @default false */
  trustProxy?: boolean;
}

/**
 * The Fastify adapter with the limits a public endpoint needs (headers are capped by Node's own 16 KiB
 * `maxHeaderSize`: 431 beyond it). JSON bodies are parsed with Fastify's
 * secure-json-parse: `__proto__` and `constructor.prototype` keys are refused (400).
 */
export function createFastifyAdapter(limits: HttpServerLimits = {}): FastifyAdapter {
  const adapter = new FastifyAdapter({
    bodyLimit: limits.bodyLimit ?? 131_072,
    requestTimeout: limits.requestTimeoutMs ?? 10_000,
    keepAliveTimeout: limits.keepAliveTimeoutMs ?? 65_000,
    routerOptions: { maxParamLength: 200 },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    trustProxy: limits.trustProxy ?? false,
  });
  const maxConnections = limits.maxConnections ?? 0;
  if (maxConnections > 0) adapter.getInstance().server.maxConnections = maxConnections;
  return adapter;
}
