import { setTimeout as pause } from 'node:timers/promises';

export interface UntilOptions {
  /** What is awaited, for the failure message. */
  readonly what: string;
  /** An overall bound far above the time the condition needs; it only turns a hang into a clear failure. */
  readonly timeoutMs?: number;
  /** Pause between checks. @default 10 */
  readonly intervalMs?: number;
}

/**
 * Checks `condition` until it holds, for state that raises no event a test can await (a metric, a server's
 * connection count, the breaker's state). Returns as soon as it holds; never asserts how long that took.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  { what, timeoutMs = 20_000, intervalMs = 10 }: UntilOptions,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not so after ${timeoutMs} ms`);
    await pause(intervalMs);
  }
}

/** Awaits `event`, or fails with `what` after an overall bound that only turns a hang into a clear failure. */
export async function within<T>(
  event: Promise<T>,
  { what, timeoutMs = 20_000 }: Omit<UntilOptions, 'intervalMs'>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not so after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([event, hang]);
  } finally {
    clearTimeout(timer);
  }
}
