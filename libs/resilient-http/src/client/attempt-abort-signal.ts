import type { GenericAbortSignal } from 'axios';

type AbortListener = (event: { type: 'abort' }) => void;

/**
 * The abort switch of one attempt, given to axios as its `signal`. axios accepts any object of its
 * `GenericAbortSignal` shape; this one holds the single listener axios adds and nothing else. A Node
 * `AbortController` per attempt measured 5 µs more per call at p50 (bench/resilient-http.bench.ts: 14 µs of
 * policy cost fell to 8.5 µs), about half of what the client adds to a plain request.
 */
export class AttemptAbortSignal implements GenericAbortSignal {
  private isAborted = false;
  private listener: AbortListener | undefined;

  get aborted(): boolean {
    return this.isAborted;
  }

  addEventListener(type: string, listener: AbortListener): void {
    if (type === 'abort') this.listener = listener;
  }

  removeEventListener(type: string, listener: AbortListener): void {
    if (type === 'abort' && this.listener === listener) this.listener = undefined;
  }

  /** Aborts the attempt (once): axios destroys the request and rejects with a `CanceledError`. */
  abort(): void {
    if (this.isAborted) return;
    this.isAborted = true;
    const listener = this.listener;
    this.listener = undefined;
    listener?.({ type: 'abort' });
  }
}
