import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';

/** Where a request was when its connection closed: sending headers or body, or waiting for its answer. */
export type ClientAbortPhase = 'headers' | 'body' | 'response';
/** Who closed it: the client, or the server's request timeout (`REQUEST_TIMEOUT_MS`). */
export type ClientAbortReason = 'client_closed' | 'timeout';

/** The combinations that can happen (a timeout covers only the request's arrival, and headers count only then). */
export const CLIENT_ABORT_KINDS: ReadonlyArray<{ phase: ClientAbortPhase; reason: ClientAbortReason }> = [
  { phase: 'headers', reason: 'timeout' },
  { phase: 'body', reason: 'client_closed' },
  { phase: 'body', reason: 'timeout' },
  { phase: 'response', reason: 'client_closed' },
];

/** One request that ended without an answer because its connection closed. */
export interface ClientAbort {
  readonly phase: ClientAbortPhase;
  readonly reason: ClientAbortReason;
  /** Absent in the `headers` phase: Fastify had no request yet. */
  readonly request?: FastifyRequest;
  readonly reply?: FastifyReply;
}

export type ClientAbortListener = (abort: ClientAbort) => void;

/**
 * Finds requests whose connection closed before they were answered, and tells each listener once per request.
 * The adapter feeds it from the three places where that shows: the error of Fastify's body reader, an answer
 * about to be written to a closed socket, and Node's request timeout before the headers were complete.
 */
export class ClientAborts {
  private readonly listeners: ClientAbortListener[] = [];

  subscribe(listener: ClientAbortListener): void {
    this.listeners.push(listener);
  }

  /** Whether a failure of the request is its connection closing while the body arrived (then reported). */
  bodyFailed(request: FastifyRequest, reply: FastifyReply): boolean {
    if (!request.raw.destroyed || request.raw.complete) return false;
    this.report({ phase: 'body', reason: reasonOf(request.raw.socket), request, reply });
    return true;
  }

  /** Reports an answer about to be sent on a connection the client has closed; it will never be written. */
  answerUnsendable(request: FastifyRequest, reply: FastifyReply): void {
    if (request.raw.socket?.destroyed !== true) return;
    this.report({ phase: 'response', reason: 'client_closed', request, reply });
  }

  /** Node's `clientError`: a request timeout before any request existed on the connection is a headers one. */
  clientError(error: NodeJS.ErrnoException, socket: Socket): void {
    // While a request is being read, its response is the socket's `_httpMessage` (Node's own bookkeeping, also
    // read by Fastify); that request's abort is reported from its body reader.
    if (error.code !== 'ERR_HTTP_REQUEST_TIMEOUT' || (socket as { _httpMessage?: unknown })._httpMessage)
      return;
    this.report({ phase: 'headers', reason: 'timeout' });
  }

  private report(abort: ClientAbort): void {
    for (const listener of this.listeners) listener(abort);
  }
}

/** Fastify's client-error handler destroys a timed-out connection with Node's timeout error. */
function reasonOf(socket: Socket | null | undefined): ClientAbortReason {
  const error: NodeJS.ErrnoException | null | undefined = socket?.errored;
  return error?.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'timeout' : 'client_closed';
}
