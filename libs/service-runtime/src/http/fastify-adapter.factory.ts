import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { ClientAborts } from './client-aborts';
import { jsonBodyParser, type RawBodyCheck, RawBodyChecks } from './json-body-parser';

/** The limits a server gets when not configured (the service's env schema uses them as its defaults). */
export const HTTP_SERVER_DEFAULTS = {
  bodyLimit: 131_072,
  requestTimeoutMs: 5_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 1_000,
} as const;

export interface HttpServerLimits {
  /** Largest request body in bytes; larger ones get 413 (`BODY_LIMIT_BYTES`). @default 131072 */
  bodyLimit?: number;
  /**
   * Longest wait for a whole request (headers and body), in ms: how long a stalled sender can hold a connection
   * and the body it sent so far. @default 5000
   */
  requestTimeoutMs?: number;
  /**
   * Idle keep-alive time in ms. Longer than the ingress's upstream keep-alive (nginx: 60 s), so the
   * proxy closes idle connections first and never sends on a socket we are closing. @default 65000
   */
  keepAliveTimeoutMs?: number;
  /**
   * Most concurrent connections per pod; 0 means unlimited. Each may hold a whole body of `bodyLimit` bytes, so
   * this bounds the memory stalled senders can take. @default 1000
   */
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
  readonly rawBodyChecks = new RawBodyChecks();
  readonly clientAborts = new ClientAborts();

  /**
   * A request whose connection closed while its body was arriving (the client went away, or the request timeout
   * closed it) fails in Fastify's body reader; Nest's handler would log that error with its stack at error level
   * and answer nobody. It is reported to {@link ClientAborts} instead.
   */
  override setErrorHandler(
    handler: Parameters<FastifyAdapter['setErrorHandler']>[0],
  ): ReturnType<FastifyAdapter['setErrorHandler']> {
    const nestHandler = handler as (error: unknown, request: FastifyRequest, reply: FastifyReply) => unknown;
    return super.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
      if (this.clientAborts.bodyFailed(request, reply)) return;
      return nestHandler(error, request, reply);
    });
  }

  override setNotFoundHandler(): ReturnType<FastifyAdapter['setNotFoundHandler']> {
    return this.getInstance().setNotFoundHandler((_request, reply) => {
      void reply.code(404).type('application/json; charset=utf-8').send(NOT_FOUND_BODY);
    });
  }
}

/**
 * Runs `check` on the exact bytes of every JSON body sent to `route` before the body is parsed (e.g. a signature
 * check, so that nobody unauthenticated makes the service parse anything). Returns false when the adapter was
 * not made by {@link createFastifyAdapter}: bodies are then parsed first, as Nest does by default.
 */
export function checkRawBodyBeforeParsing(httpAdapter: unknown, route: string, check: RawBodyCheck): boolean {
  if (!(httpAdapter instanceof ServiceFastifyAdapter)) return false;
  httpAdapter.rawBodyChecks.add(route, check);
  return true;
}

/**
 * The requests of the service's adapter whose connection closed before they were answered (see
 * {@link ClientAborts}); undefined for another adapter.
 */
export function clientAbortsOf(httpAdapter: unknown): ClientAborts | undefined {
  return httpAdapter instanceof ServiceFastifyAdapter ? httpAdapter.clientAborts : undefined;
}

/**
 * The Fastify adapter with the limits a public endpoint needs (headers are capped by Node's own 16 KiB
 * `maxHeaderSize`: 431 beyond it). JSON bodies are parsed with Fastify's secure-json-parse (`__proto__` and
 * `constructor.prototype` keys are refused with 400), never for unknown routes, and only after the checks
 * registered with {@link checkRawBodyBeforeParsing}; `request.rawBody` keeps the exact bytes. Unknown routes get a
 * fixed 404 body. An answer sent before the body was read closes the connection.
 */
export function createFastifyAdapter(limits: HttpServerLimits = {}): FastifyAdapter {
  const requestTimeout = limits.requestTimeoutMs ?? HTTP_SERVER_DEFAULTS.requestTimeoutMs;
  const bodyLimit = limits.bodyLimit ?? HTTP_SERVER_DEFAULTS.bodyLimit;
  const adapter = new ServiceFastifyAdapter({
    bodyLimit,
    requestTimeout,
    // Given to Node when the server is made: Fastify only sets `server.requestTimeout` afterwards, and Node then
    // still waits for its 60 s default headersTimeout (checked every 30 s), so a client trickling a body held
    // its connection 60-90 s whatever REQUEST_TIMEOUT_MS said. Checked every second, the limit holds to ~1 s.
    http: { requestTimeout, headersTimeout: requestTimeout, connectionsCheckingInterval: 1000 },
    keepAliveTimeout: limits.keepAliveTimeoutMs ?? HTTP_SERVER_DEFAULTS.keepAliveTimeoutMs,
    routerOptions: { maxParamLength: 200 },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    trustProxy: limits.trustProxy ?? false,
  });
  const fastify = adapter.getInstance();
  // Registered before Nest would register its own JSON parser (which then steps aside); `true` keeps the exact
  // bytes as `request.rawBody`, as Nest's `rawBody` option does.
  adapter.useBodyParser(
    'application/json',
    true,
    { bodyLimit },
    jsonBodyParser(fastify, adapter.rawBodyChecks),
  );
  // An answer sent before the request's body was read (415, 404, 413, a refusal in a hook): the connection is
  // closed after it instead of reading (and throwing away) a body that may be as long as its sender likes.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (!request.raw.complete) void reply.header('connection', 'close');
    adapter.clientAborts.answerUnsendable(request, reply);
    done(null, payload);
  });
  fastify.server.prependListener('clientError', (error: NodeJS.ErrnoException, socket: Socket) =>
    adapter.clientAborts.clientError(error, socket),
  );
  const maxConnections = limits.maxConnections ?? HTTP_SERVER_DEFAULTS.maxConnections;
  if (maxConnections > 0) fastify.server.maxConnections = maxConnections;
  return adapter;
}
