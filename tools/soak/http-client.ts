// One HTTP exchange with the service, recorded with its timing and how it ended (a status or a socket error).
// Plain node:http, so keep-alive sockets and connection errors are visible as they are. Erasable TypeScript.
import { type Agent, request } from 'node:http';

export interface Exchange {
  /** When the request was handed to the socket (ms since epoch, fractional). */
  readonly sentAt: number;
  readonly doneAt: number;
  /** HTTP status, or undefined when the exchange ended in a socket error. */
  readonly status: number | undefined;
  /** e.g. `ECONNREFUSED`, `ECONNRESET`, `socket hang up`, `timeout`. */
  readonly error: string | undefined;
  readonly body: string;
}

export interface ExchangeOptions {
  readonly port: number;
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** A keep-alive agent, or false for a fresh connection. @default false */
  readonly agent?: Agent | false;
  /** @default 15000 */
  readonly timeoutMs?: number;
}

/** Sends one request on 127.0.0.1 and never rejects: failures are part of the record. */
export function exchange(options: ExchangeOptions): Promise<Exchange> {
  const sentAt = performance.timeOrigin + performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (status: number | undefined, error: string | undefined, body = ''): void => {
      if (settled) return;
      settled = true;
      resolve({ sentAt, doneAt: performance.timeOrigin + performance.now(), status, error, body });
    };
    const req = request(
      {
        host: '127.0.0.1',
        port: options.port,
        method: options.method ?? 'POST',
        path: options.path ?? '/alexa',
        headers: options.headers,
        agent: options.agent ?? false,
        timeout: options.timeoutMs ?? 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => finish(res.statusCode, undefined, Buffer.concat(chunks).toString('utf8')));
        res.on('error', (error: NodeJS.ErrnoException) => finish(undefined, error.code ?? error.message));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      finish(undefined, 'timeout');
    });
    req.on('error', (error: NodeJS.ErrnoException) => finish(undefined, error.code ?? error.message));
    req.end(options.body);
  });
}
