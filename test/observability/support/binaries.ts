import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The apt line that provides `prometheus` and `promtool` (Debian 12: Prometheus 2.42). */
export const PROMETHEUS_APT = 'apt-get update && apt-get install -y --no-install-recommends prometheus';

/** Set to 1 (CI) to fail instead of skipping when a binary is missing. */
const REQUIRE_ENV = 'OBSERVABILITY_REQUIRE_PROMETHEUS';

/** The executable's path on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * `describe` when the binary is on PATH; otherwise `describe.skip` with a banner nobody can miss
 * (or a failure when OBSERVABILITY_REQUIRE_PROMETHEUS=1).
 */
export function describeWithBinary(name: string): { describe: jest.Describe; path: string } {
  const path = findOnPath(name);
  if (path) return { describe, path };
  const message = `${name} is not on PATH: the Prometheus checks in test/observability are SKIPPED. Install it: ${PROMETHEUS_APT}`;
  if (process.env[REQUIRE_ENV] === '1') throw new Error(`${message} (${REQUIRE_ENV}=1)`);
  const bar = '#'.repeat(100);
  console.warn(`\n${bar}\n# ${message}\n${bar}\n`);
  return { describe: describe.skip, path: name };
}
