import { REDIS_APT, redisServerInstalled } from '../../tools/redis-server.ts';

export { RedisServer } from '../../tools/redis-server.ts';

/** Set to 1 (CI) to fail instead of skipping when redis-server is missing. */
const REQUIRE_ENV = 'STATE_REQUIRE_REDIS';

/**
 * `describe` when `redis-server` can run here; otherwise `describe.skip` with a banner nobody can miss (or a
 * failure when STATE_REQUIRE_REDIS=1, as in CI).
 */
export function describeWithRedis(): jest.Describe {
  if (redisServerInstalled()) return describe;
  const message = `redis-server is not on PATH: the shared-state suites are SKIPPED. Install it: ${REDIS_APT}`;
  if (process.env[REQUIRE_ENV] === '1') throw new Error(`${message} (${REQUIRE_ENV}=1)`);
  const bar = '#'.repeat(100);
  console.warn(`\n${bar}\n# ${message}\n${bar}\n`);
  return describe.skip;
}
