/**
 * Seeds and sizes of the property-based suites. Every run prints its seed; `RELIABILITY_SEED=<n>` replays a
 * run exactly and `RELIABILITY_RUNS_SCALE=<x>` multiplies the number of generated requests (e.g. 10 for a
 * long local hunt). fast-check's own failure report adds the `path` of the failing case.
 */
export interface FuzzSettings {
  readonly seed: number;
  /** Number of runs for a property whose default is `base`. */
  runs(base: number): number;
}

export function fuzzSettings(suite: string): FuzzSettings {
  const fromEnv = process.env.RELIABILITY_SEED;
  const seed =
    fromEnv !== undefined && fromEnv !== ''
      ? Number.parseInt(fromEnv, 10)
      : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  if (!Number.isSafeInteger(seed)) throw new Error(`RELIABILITY_SEED must be an integer, got ${fromEnv}`);
  const scale = Number(process.env.RELIABILITY_RUNS_SCALE ?? '1');
  if (!(scale > 0)) throw new Error(`RELIABILITY_RUNS_SCALE must be a positive number`);
  // Written straight to stderr so it shows without Jest's console decoration, also when the suite fails.
  process.stderr.write(`[${suite}] seed ${seed} (replay with RELIABILITY_SEED=${seed})\n`);
  return { seed, runs: (base) => Math.max(1, Math.round(base * scale)) };
}
