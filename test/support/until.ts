import { setTimeout as pause } from 'node:timers/promises';

export interface UntilOptions {
  /** What is awaited, for the failure message. */
  readonly what: string;
  /** An overall bound far above the time the condition needs; it only turns a hang into a clear failure. */
  readonly timeoutMs?: number;
  /** Pause between checks. @default 10 */
  readonly intervalMs?: number;
  /** More to say on failure, read only then (e.g. a child process's log). */
  readonly detail?: () => string;
}

/**
 * Checks `condition` until it holds, for state that raises no event a test can await (a metric, a server's
 * connection count, the breaker's state). Returns as soon as it holds; never asserts how long that took.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  options: UntilOptions,
): Promise<void> {
  await untilFound(async () => ((await condition()) ? true : undefined), options);
}

/** Like {@link until}, for a probe that returns what it found (anything but undefined) once the state is there. */
export async function untilFound<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  { what, timeoutMs = 20_000, intervalMs = 10, detail }: UntilOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not so after ${timeoutMs} ms${detail ? `\n${detail()}` : ''}`);
    }
    await pause(intervalMs);
  }
}

/** Awaits `event`, or fails with `what` after an overall bound that only turns a hang into a clear failure. */
export async function within<T>(
  event: Promise<T>,
  { what, timeoutMs = 20_000 }: Omit<UntilOptions, 'intervalMs' | 'detail'>,
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
