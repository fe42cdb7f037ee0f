// Cost of the resilient HTTP client over a plain axios request, and the open-breaker fast-fail latency,
// against the fake music API on 127.0.0.1 (same process, sequential requests, keep-alive on both sides).
//
//   npm run build && node bench/resilient-http.bench.ts [--rounds 5] [--pairs 1000] [--json]
//
// The client is loaded from dist/ (the production build, as the other bench servers are); BENCH_DIST points
// elsewhere. `npm run bench` imports `run()` (bench/lib/extras.ts contract).
import { Logger } from '@nestjs/common';
import axios from 'axios';
import { existsSync } from 'node:fs';
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { ResilientClientDefinition, ResilientHttpClient } from '../libs/resilient-http/src/index.ts';
import { startFakeMusicApi } from '../tools/fake-music-api.ts';

export interface ResilientHttpBenchOptions {
  /** Measured rounds; the reported figures are medians of the rounds' medians. @default 5 */
  rounds?: number;
  /** Request pairs (plain, resilient) per round, interleaved in alternating order. @default 1000 */
  pairs?: number;
  /** Unmeasured pairs before the first round. @default 300 */
  warmup?: number;
  /** Fast-fail calls timed against the open breaker. @default 5000 */
  fastFailCalls?: number;
  /** The build to load the client from. @default BENCH_DIST or <repo>/dist */
  dist?: string;
}

export interface ResilientHttpBenchResult {
  /** Median per-request latency, ms: axios with its defaults (JSON parsing, follow-redirects). */
  plainAxiosP50Ms: number;
  /** axios with the transport settings the resilient client uses (no redirects, text body + JSON.parse). */
  plainAxiosSameTransportP50Ms: number;
  resilientP50Ms: number;
  /** The resilient client with a zod schema validating the body (`getJson`). */
  resilientZodP50Ms: number;
  /** (resilient - plain same transport) / plain same transport at p50, percent: the policies' cost. Target: under 5. */
  overheadP50Pct: number;
  /** resilient - plain same transport at p50, microseconds. */
  policyCostP50Us: number;
  /** The same with zod validation added. */
  overheadZodP50Pct: number;
  /** (resilient - plain axios defaults) / plain axios defaults at p50, percent. */
  overheadVsAxiosDefaultsP50Pct: number;
  plainAxiosP99Ms: number;
  resilientP99Ms: number;
  /** Latency of a call rejected by the open breaker, microseconds. */
  openBreakerFastFailP50Us: number;
  openBreakerFastFailP99Us: number;
  /** Requests that reached the fake server while the breaker was open (must be 0). */
  callsThroughOpenBreaker: number;
  rounds: number;
  pairsPerRound: number;
}

type ClientModule = {
  ResilientHttpClient: new (definition: ResilientClientDefinition) => ResilientHttpClient;
};

const TOKEN = 'bench-token';
const profile = z.object({ id: z.string(), display_name: z.string() });

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function summary(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
}

const median = (values: number[]): number => summary(values).p50;

async function timed(call: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await call();
  return performance.now() - start;
}

function loadClientModule(dist: string): ClientModule {
  const entry = join(dist, 'libs/resilient-http/src/index.js');
  if (!existsSync(entry))
    throw new Error(`${entry} not found: run \`npm run build\` first (or set BENCH_DIST)`);
  return createRequire(import.meta.url)(entry) as ClientModule;
}

export async function runResilientHttpBench(
  options: ResilientHttpBenchOptions = {},
): Promise<ResilientHttpBenchResult> {
  const rounds = options.rounds ?? 5;
  const pairs = options.pairs ?? 1000;
  const warmup = options.warmup ?? 300;
  const fastFailCalls = options.fastFailCalls ?? 5000;
  const dist = resolve(options.dist ?? process.env.BENCH_DIST ?? join(import.meta.dirname, '..', 'dist'));
  const { ResilientHttpClient: Client } = loadClientModule(dist);
  Logger.overrideLogger(false); // the breaker's transition log would interleave with the figures

  const fake = await startFakeMusicApi({ tokens: [TOKEN] });
  // One keep-alive socket per variant, so no variant profits from a socket another one just warmed.
  const agents = [new Agent({ keepAlive: true }), new Agent({ keepAlive: true })];
  const plain = axios.create({ baseURL: fake.url, httpAgent: agents[0] });
  const sameTransport = axios.create({
    baseURL: fake.url,
    httpAgent: agents[1],
    maxRedirects: 0,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
  });
  const resilient = new Client({ name: 'bench', baseURL: fake.url });
  const resilientZod = new Client({ name: 'bench-zod', baseURL: fake.url });
  const breaking = new Client({
    name: 'bench-breaker',
    baseURL: fake.url,
    retry: false,
    circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 3_600_000 },
  });
  const headers = { authorization: `Bearer ${TOKEN}` };
  const calls = {
    plain: () => plain.get('/v1/me', { headers }),
    same: async () => JSON.parse((await sameTransport.get<string>('/v1/me', { headers })).data) as unknown,
    resilient: () => resilient.request({ operation: 'me', url: '/v1/me', accessToken: TOKEN }),
    zod: () => resilientZod.getJson('me', '/v1/me', profile, { accessToken: TOKEN }),
  };

  try {
    const variants = ['plain', 'same', 'resilient', 'zod'] as const;
    for (let i = 0; i < warmup; i++) for (const key of variants) await calls[key]();
    const p50s = {
      plain: [] as number[],
      same: [] as number[],
      resilient: [] as number[],
      zod: [] as number[],
    };
    const p99s = { plain: [] as number[], resilient: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      const samples = {
        plain: [] as number[],
        same: [] as number[],
        resilient: [] as number[],
        zod: [] as number[],
      };
      for (let i = 0; i < pairs; i++) {
        // Rotate the order so no variant always runs first (or last) in a group.
        for (let k = 0; k < variants.length; k++) {
          const key = variants[(i + k) % variants.length];
          samples[key].push(await timed(calls[key]));
        }
      }
      for (const key of variants) p50s[key].push(summary(samples[key]).p50);
      p99s.plain.push(summary(samples.plain).p99);
      p99s.resilient.push(summary(samples.resilient).p99);
    }

    // Open the breaker with one failure, then time calls that it rejects.
    fake.behave({ path: '/v1/me', mode: 'fail', status: 503, times: 1 });
    await breaking.request({ operation: 'me', url: '/v1/me', accessToken: TOKEN }).catch(() => undefined);
    const hitsWhenOpen = fake.hits('/v1/me');
    const fastFails: number[] = [];
    for (let i = 0; i < fastFailCalls; i++) {
      fastFails.push(
        await timed(() =>
          breaking.request({ operation: 'me', url: '/v1/me', accessToken: TOKEN }).catch(() => undefined),
        ),
      );
    }
    const fastFail = summary(fastFails);

    const plainP50 = median(p50s.plain);
    const sameP50 = median(p50s.same);
    const resilientP50 = median(p50s.resilient);
    const zodP50 = median(p50s.zod);
    const round3 = (value: number): number => Math.round(value * 1000) / 1000;
    const pct = (value: number, base: number): number => Math.round(((value - base) / base) * 1000) / 10;
    return {
      plainAxiosP50Ms: round3(plainP50),
      plainAxiosSameTransportP50Ms: round3(sameP50),
      resilientP50Ms: round3(resilientP50),
      resilientZodP50Ms: round3(zodP50),
      overheadP50Pct: pct(resilientP50, sameP50),
      policyCostP50Us: Math.round((resilientP50 - sameP50) * 10_000) / 10,
      overheadZodP50Pct: pct(zodP50, sameP50),
      overheadVsAxiosDefaultsP50Pct: pct(resilientP50, plainP50),
      plainAxiosP99Ms: round3(median(p99s.plain)),
      resilientP99Ms: round3(median(p99s.resilient)),
      openBreakerFastFailP50Us: Math.round(fastFail.p50 * 1000 * 10) / 10,
      openBreakerFastFailP99Us: Math.round(fastFail.p99 * 1000 * 10) / 10,
      callsThroughOpenBreaker: fake.hits('/v1/me') - hitsWhenOpen,
      rounds,
      pairsPerRound: pairs,
    };
  } finally {
    for (const client of [resilient, resilientZod, breaking]) client.onApplicationShutdown();
    for (const agent of agents) agent.destroy();
    await fake.close();
  }
}

function describe(result: ResilientHttpBenchResult): string[] {
  const ms = (value: number): string => `${value.toFixed(3)} ms`;
  return [
    `resilient HTTP client vs plain axios, GET /v1/me on the fake music API (${result.rounds} rounds x ${result.pairsPerRound})`,
    `  p50 axios, defaults               ${ms(result.plainAxiosP50Ms)}`,
    `  p50 axios, same transport         ${ms(result.plainAxiosSameTransportP50Ms)}`,
    `  p50 resilient client              ${ms(result.resilientP50Ms)}  (${result.overheadVsAxiosDefaultsP50Pct}% vs defaults, ` +
      `${result.overheadP50Pct}% = ${result.policyCostP50Us} us vs same transport)`,
    `  p50 resilient client + zod        ${ms(result.resilientZodP50Ms)}  (${result.overheadZodP50Pct}% vs same transport)`,
    `  p99 axios defaults / resilient    ${ms(result.plainAxiosP99Ms)} / ${ms(result.resilientP99Ms)}`,
    `  open breaker fast fail            p50 ${result.openBreakerFastFailP50Us} us, p99 ${result.openBreakerFastFailP99Us} us, ` +
      `${result.callsThroughOpenBreaker} calls reached the upstream`,
  ];
}

/** Entry point for `npm run bench` (bench/lib/extras.ts contract): two summary lines and the targets. */
export async function run(options: { smoke?: boolean; dist?: string } = {}): Promise<
  ResilientHttpBenchResult & {
    lines: string[];
    targets: Array<{ id: string; description: string; pass: boolean; actual: string }>;
  }
> {
  // Full runs take runResilientHttpBench's own defaults; smoke runs only prove the harness works.
  const sizes = options.smoke ? { rounds: 1, pairs: 100, warmup: 50, fastFailCalls: 500 } : {};
  const r = await runResilientHttpBench({ ...sizes, dist: options.dist });
  return {
    ...r,
    lines: [
      `resilient client vs plain request (same transport), p50: ${r.resilientP50Ms} vs ` +
        `${r.plainAxiosSameTransportP50Ms} ms = ${r.overheadP50Pct}% (with zod: ${r.overheadZodP50Pct}%), ` +
        `${r.rounds} rounds x ${r.pairsPerRound} requests`,
      `open breaker fast fail: p50 ${r.openBreakerFastFailP50Us} us, p99 ${r.openBreakerFastFailP99Us} us, ` +
        `${r.callsThroughOpenBreaker} calls reached the upstream`,
    ],
    targets: [
      {
        id: 'overhead_p50',
        description: 'resilient client overhead over a plain request at p50 < 5%',
        pass: r.overheadP50Pct < 5,
        actual: `${r.overheadP50Pct}%`,
      },
      {
        id: 'open_breaker',
        description: 'an open breaker fails well under a millisecond without calling out',
        pass: r.openBreakerFastFailP99Us < 1000 && r.callsThroughOpenBreaker === 0,
        actual: `p99 ${r.openBreakerFastFailP99Us} us, ${r.callsThroughOpenBreaker} calls out`,
      },
    ],
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string' },
      pairs: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const result = await runResilientHttpBench({
    rounds: values.rounds === undefined ? undefined : Number(values.rounds),
    pairs: values.pairs === undefined ? undefined : Number(values.pairs),
  });
  process.stdout.write(
    values.json ? `${JSON.stringify(result, null, 2)}\n` : `${describe(result).join('\n')}\n`,
  );
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((error: unknown) => {
    process.stderr.write(`resilient-http bench: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
