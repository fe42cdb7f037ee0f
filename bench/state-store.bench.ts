// The shared state store on its own: what one claim (replay protection's `SET NX PX`) costs this process and
// redis-server, against the in-memory store, and how much Redis memory each kind of key takes (for sizing).
//
//   npm run build && node bench/state-store.bench.ts [--smoke]
//
// The store is loaded from dist/ (the production build); redis-server is the Debian package's, on 127.0.0.1.
// `npm run bench` imports `run()` (bench/lib/extras.ts contract).
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { cpuMicros } from '../tools/process-stats.ts';
import { REDIS_APT, RedisServer, redisServerInstalled } from '../tools/redis-server.ts';

interface Store {
  claim(key: string, ttlMs: number): Promise<boolean>;
}

interface Dist {
  InMemoryStateStore: new (limits: { maxClaims: number; maxValues: number }) => Store & object;
  RedisStateStore: new (
    redis: Redis,
    local: object,
    metrics: object,
    settings: {
      target: string;
      breakerFailures: number;
      breakerHalfOpenAfterMs: number;
      connectTimeoutMs: number;
    },
  ) => Store & { onApplicationBootstrap(): Promise<void>; onApplicationShutdown(): Promise<void> };
  StateStoreMetrics: new (registry: Registry) => object;
  createRedisConnection(
    url: string,
    s: { commandTimeoutMs: number; connectTimeoutMs: number; maxReconnectDelayMs: number },
  ): Redis;
}

function loadDist(dist: string): Dist {
  const base = join(dist, 'libs/state-store/src');
  if (!existsSync(join(base, 'index.js'))) throw new Error(`${base} not found: run npm run build first`);
  const load = createRequire(import.meta.url);
  return {
    ...(load(join(base, 'index.js')) as Pick<Dist, 'InMemoryStateStore'>),
    ...(load(join(base, 'redis/redis-state-store.js')) as Pick<Dist, 'RedisStateStore'>),
    ...(load(join(base, 'metrics/state-store.metrics.js')) as Pick<Dist, 'StateStoreMetrics'>),
    ...(load(join(base, 'redis/redis-connection.js')) as Pick<Dist, 'createRedisConnection'>),
  };
}

const SKILL = `amzn1.ask.skill.${randomUUID()}`;
const requestKey = () => `alexa:${SKILL}:request:amzn1.echo-api.request.${randomUUID()}`;

/** Client CPU (this process) and server CPU (redis-server) per claim, `concurrency` claims in flight. */
async function claimCost(
  store: Store,
  count: number,
  concurrency: number,
  serverPid: number | undefined,
): Promise<{ clientUs: number; serverUs: number | null; wallUs: number }> {
  const keys = Array.from({ length: count }, requestKey);
  const serverBefore = serverPid === undefined ? undefined : cpuMicros(serverPid);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < keys.length) await store.claim(keys[next++], 160_000);
    }),
  );
  const wallUs = ((performance.now() - started) * 1000) / count;
  const cpu = process.cpuUsage(cpuBefore);
  const serverAfter = serverPid === undefined ? undefined : cpuMicros(serverPid);
  return {
    clientUs: (cpu.user + cpu.system) / count,
    serverUs:
      serverBefore === undefined || serverAfter === undefined ? null : (serverAfter - serverBefore) / count,
    wallUs,
  };
}

/** Redis memory per key: `count` keys of one kind, used_memory before and after. */
async function bytesPerKey(redis: Redis, count: number, key: () => string, value: string): Promise<number> {
  const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
  const before = await used();
  for (let i = 0; i < count; i += 1000) {
    const batch = redis.pipeline();
    for (let j = 0; j < 1000; j++) batch.set(key(), value, 'PX', 600_000);
    await batch.exec();
  }
  return ((await used()) - before) / count;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function run(options: { smoke?: boolean; dist?: string; root?: string } = {}): Promise<object> {
  if (!redisServerInstalled()) {
    return { lines: [`not available: redis-server is not installed (${REDIS_APT})`] };
  }
  const root = options.root ?? resolve(import.meta.dirname, '..');
  // The store's connect/disconnect lines would interleave with the report.
  const { Logger } = createRequire(import.meta.url)('@nestjs/common') as typeof import('@nestjs/common');
  Logger.overrideLogger(false);
  const dist = loadDist(options.dist ?? process.env.BENCH_DIST ?? join(root, 'dist'));
  const count = options.smoke ? 2_000 : 20_000;
  const rounds = options.smoke ? 1 : 5;
  const server = await RedisServer.start();
  const redis = dist.createRedisConnection(server.url, {
    commandTimeoutMs: 100,
    connectTimeoutMs: 2000,
    maxReconnectDelayMs: 2000,
  });
  const local = () => new dist.InMemoryStateStore({ maxClaims: 50_000, maxValues: 10 });
  const shared = new dist.RedisStateStore(redis, local(), new dist.StateStoreMetrics(new Registry()), {
    target: server.url,
    breakerFailures: 5,
    breakerHalfOpenAfterMs: 2000,
    connectTimeoutMs: 2000,
  });
  const inspect = new Redis(server.url);
  try {
    await shared.onApplicationBootstrap();
    const serverPid = Number(/process_id:(\d+)/.exec(await inspect.info('server'))?.[1]);
    const memory: Array<{ clientUs: number }> = [];
    const sequential: Array<{ clientUs: number; serverUs: number | null; wallUs: number }> = [];
    const concurrent16: typeof sequential = [];
    await claimCost(shared, count / 4, 16, serverPid); // warm-up
    for (let round = 0; round < rounds; round++) {
      memory.push(await claimCost(local(), count, 16, undefined));
      sequential.push(await claimCost(shared, count, 1, serverPid));
      concurrent16.push(await claimCost(shared, count, 16, serverPid));
    }
    await inspect.flushall();
    const requestBytes = await bytesPerKey(inspect, count * 5, requestKey, '1');
    const userBytes = await bytesPerKey(
      inspect,
      count * 5,
      () => `alexa:${SKILL}:user:${createHmac('sha256', 'k').update(randomUUID()).digest('base64url')}`,
      '{"music":{"lastQuery":"Bohemian Rhapsody"}}',
    );
    const m = (xs: Array<number | null>) => median(xs.map((x) => x ?? NaN)).toFixed(1);
    const figures = {
      memory_claim_us: Number(m(memory.map((r) => r.clientUs))),
      redis_claim_client_us_c1: Number(m(sequential.map((r) => r.clientUs))),
      redis_claim_server_us_c1: Number(m(sequential.map((r) => r.serverUs))),
      redis_claim_wall_us_c1: Number(m(sequential.map((r) => r.wallUs))),
      redis_claim_client_us_c16: Number(m(concurrent16.map((r) => r.clientUs))),
      redis_claim_server_us_c16: Number(m(concurrent16.map((r) => r.serverUs))),
      redis_bytes_per_request_key: Math.round(requestBytes),
      redis_bytes_per_user_key: Math.round(userBytes),
      redis_version: /redis_version:(\S+)/.exec(await inspect.info('server'))?.[1],
    };
    return {
      ...figures,
      lines: [
        `claim, medians of ${rounds} x ${count}: in memory ${figures.memory_claim_us} us CPU; Redis one at a time ` +
          `${figures.redis_claim_client_us_c1} us client + ${figures.redis_claim_server_us_c1} us redis-server CPU, ` +
          `${figures.redis_claim_wall_us_c1} us round trip; 16 in flight ${figures.redis_claim_client_us_c16} us client + ` +
          `${figures.redis_claim_server_us_c16} us redis-server CPU`,
        `Redis ${figures.redis_version} memory per key: request ID ${figures.redis_bytes_per_request_key} B, ` +
          `user attributes (40-byte value) ${figures.redis_bytes_per_user_key} B`,
      ],
    };
  } finally {
    inspect.disconnect();
    await shared.onApplicationShutdown();
    await server.stop();
  }
}

if (import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({ options: { smoke: { type: 'boolean', default: false } } });
  const result = (await run({ smoke: values.smoke })) as { lines: string[] };
  process.stdout.write(`${result.lines.join('\n')}\n`);
}
