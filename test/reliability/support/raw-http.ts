import { connect } from 'node:net';

/** What came back on a raw connection. */
export interface RawReply {
  /** The status of the first response, or undefined when the server closed without one. */
  readonly status: number | undefined;
  /** Everything received, as latin1 text. */
  readonly text: string;
}

/**
 * Writes exact bytes to a fresh TCP connection and collects the answer until the server closes the connection
 * (requests carry `Connection: close`) or the first response is complete. Rejects when neither happens within
 * `timeoutMs`: the server left a connection hanging.
 */
export function rawExchange(port: number, bytes: Buffer, timeoutMs = 5_000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      if (error) reject(error);
      else resolve({ status: statusOf(text), text });
    };
    const timer = setTimeout(
      () => finish(new Error(`no answer and no close within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (complete(Buffer.concat(chunks).toString('latin1'))) finish();
    });
    socket.on('error', () => finish()); // a reset after the answer (or instead of one) is an answer too
    socket.on('close', () => finish());
    socket.write(bytes);
  });
}

function statusOf(text: string): number | undefined {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Whether `text` holds one whole response with a Content-Length body. */
function complete(text: string): boolean {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end));
  return length !== null && text.length - (end + 4) >= Number(length[1]);
}

/** A request as raw HTTP/1.1 text: `head` lines (request line first) and the body. */
export function rawRequest(head: readonly string[], body: Buffer | string = ''): Buffer {
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(body)]);
}

/** A kept-alive TCP connection: send requests one after another, see when the server closes it. */
export class RawConnection {
  private buffer = '';
  private waiter: ((text: string) => void) | undefined;
  /** Resolves with the time (ms since epoch) the connection closed. */
  readonly closed: Promise<number>;
  private isClosed = false;

  private constructor(private readonly socket: import('node:net').Socket) {
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        resolve(Date.now());
      }),
    );
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      if (this.waiter && complete(this.buffer)) {
        const text = this.buffer;
        this.buffer = '';
        this.waiter(text);
        this.waiter = undefined;
      }
    });
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  get open(): boolean {
    return !this.isClosed;
  }

  /** Writes bytes without waiting for an answer (e.g. half a request). */
  write(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  /** Writes a request and resolves with the whole response text (rejects if the connection closes first). */
  exchange(bytes: Buffer | string, timeoutMs = 5_000): Promise<{ status: number | undefined; text: string }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      this.waiter = (text) => {
        clearTimeout(timer);
        resolve({ status: statusOf(text), text });
      };
      void this.closed.then(() => {
        clearTimeout(timer);
        if (this.waiter) reject(new Error('connection closed without an answer'));
      });
      this.socket.write(bytes);
    });
  }

  /** Everything received and not yet handed out (e.g. a 408 written before the close). */
  received(): string {
    return this.buffer;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
