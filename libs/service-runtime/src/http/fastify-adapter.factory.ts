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

/** The answer to an unknown route: fixed, never an echo of the method and path ("Cannot GET /x"). */
const NOT_FOUND_BODY = '{"statusCode":404,"error":"Not Found"}';

/**
 * Nest installs a not-found handler that throws `NotFoundException(\`Cannot ${method} ${url}\`)`, so a 404 body
 * would repeat whatever path a caller sent. Error answers of a public endpoint carry nothing of the request.
 */
class ServiceFastifyAdapter extends FastifyAdapter {
  override setNotFoundHandler(): ReturnType<FastifyAdapter['setNotFoundHandler']> {
    return this.getInstance().setNotFoundHandler((_request, reply) => {
      void reply.code(404).type('application/json; charset=utf-8').send(NOT_FOUND_BODY);
    });
  }
}

/**
 * The Fastify adapter with the limits a public endpoint needs (headers are capped by Node's own 16 KiB
 * `maxHeaderSize`: 431 beyond it). JSON bodies are parsed with Fastify's
 * secure-json-parse: `__proto__` and `constructor.prototype` keys are refused (400). Unknown routes get a fixed
 * 404 body.
 */
export function createFastifyAdapter(limits: HttpServerLimits = {}): FastifyAdapter {
  const requestTimeout = limits.requestTimeoutMs ?? 10_000;
  const adapter = new ServiceFastifyAdapter({
    bodyLimit: limits.bodyLimit ?? 131_072,
    requestTimeout,
    // Given to Node when the server is made: Fastify only sets `server.requestTimeout` afterwards, and Node then
    // still waits for its 60 s default headersTimeout (checked every 30 s), so a client trickling a body held
    // its connection 60-90 s whatever REQUEST_TIMEOUT_MS said. Checked every second, the limit holds to ~1 s.
    http: { requestTimeout, headersTimeout: requestTimeout, connectionsCheckingInterval: 1000 },
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
