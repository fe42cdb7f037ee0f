// One measured life of a server: start, warm up, measure each connection level, read its peak memory, stop.
// Plus the two special runs: the cold-certificate burst and the leak check.
import { Agent, request as httpRequest } from 'node:http';
import { drive, type LoadFigures } from './load.ts';
import { connectInspector } from './inspector.ts';
import { cpuMicros, processMemory } from '../../tools/process-stats.ts';
import { type PreparedRequest, unsignedSource } from './requests.ts';
import {
  type BenchContext,
  FULL_SIGNED,
  NotAvailableYet,
  type RunningServer,
  type Scenario,
  scrapeVerificationMetrics,
} from './scenarios.ts';
import { freePort } from './server-process.ts';

export interface SessionResult {
  rep: number;
  /** Requests per second at 16 connections during the warm-up. */
  warmupRps: number;
  levels: LoadFigures[];
  /** VmHWM of the server process at the end of the session (warm-up and every window included), MB. */
  peakRssMb: number | null;
  /** What the server said to the sanity request. */
  answer: string | undefined;
}

/** Rate seen for each connection level in earlier repetitions, to size the next windows. */
export type RateEstimates = Map<number, number>;

const WARMUP_CONNECTIONS = 16;
/** Requests prepared beyond the amount sent: autocannon builds one request ahead per connection. */
const SPARE = 32;

function sidePids(running: RunningServer): Record<string, number> | undefined {
  const entries = Object.entries(running.side);
  return entries.length === 0 ? undefined : Object.fromEntries(entries.map(([name, p]) => [name, p.pid]));
}

async function warmUp(ctx: BenchContext, running: RunningServer): Promise<number> {
  const pid = running.server.pid;
  const probeCount = ctx.options.mode === 'smoke' ? 100 : 500;
  const probe = await drive({
    url: running.url,
    connections: WARMUP_CONNECTIONS,
    amount: probeCount,
    source: await running.requests(probeCount + SPARE),
    pid,
  });
  const count = Math.round(probe.rps * ctx.options.warmupSec);
  if (count < WARMUP_CONNECTIONS) return probe.rps;
  const warm = await drive({
    url: running.url,
    connections: WARMUP_CONNECTIONS,
    amount: count,
    source: await running.requests(count + SPARE),
    pid,
  });
  if (warm.errors > 0)
    ctx.log(`    warning: ${warm.errors} errors during the warm-up ${JSON.stringify(warm.statusCodes)}`);
  return warm.rps;
}

/** `event loop 41.2 us 0.31 sw, libuv-worker 20.3 us 1.02 sw, ...`: CPU and context switches per request. */
function describeThreads(threads: NonNullable<LoadFigures['threads']>): string {
  return Object.entries(threads)
    .filter(([, t]) => t.cpuUs >= 0.05 || t.switches >= 0.01)
    .sort(([, a], [, b]) => b.cpuUs - a.cpuUs)
    .map(
      ([name, t]) =>
        `${name === 'node' ? 'event loop' : name} ${t.cpuUs.toFixed(1)} us ${t.switches.toFixed(2)} sw`,
    )
    .join(', ');
}

export async function runSession(
  ctx: BenchContext,
  scenario: Scenario,
  rep: number,
  estimates: RateEstimates,
): Promise<SessionResult> {
  const running = await scenario.start(ctx, rep);
  try {
    if (rep === 1 && running.answer !== undefined) ctx.log(`    answers: "${running.answer}"`);
    const pid = running.server.pid;
    const warmupRps = await warmUp(ctx, running);
    const levels: LoadFigures[] = [];
    for (const connections of ctx.options.connections) {
      const estimate = estimates.get(connections) ?? warmupRps * (connections === 1 ? 0.5 : 1);
      // A floor, so a warm-up slowed by a busy machine does not leave a window of a few hundred requests.
      const floor = ctx.options.mode === 'smoke' ? connections * 20 : connections * 200;
      const amount = Math.max(floor, Math.round(estimate * ctx.options.durationSec));
      const source = await running.requests(amount + connections + SPARE);
      const figures = await drive({
        url: running.url,
        connections,
        amount,
        source,
        pid,
        sidePids: sidePids(running),
      });
      estimates.set(connections, figures.rps);
      levels.push(figures);
      ctx.log(
        `    c=${String(connections).padStart(2)}  ${figures.rps.toFixed(0).padStart(6)} req/s  ` +
          `p50 ${figures.p50Ms.toFixed(2)} ms  p99 ${figures.p99Ms.toFixed(2)} ms  ` +
          `cpu ${figures.cpuUsPerRequest?.toFixed(1) ?? '?'} us/req (kernel ${figures.sysUsPerRequest?.toFixed(1) ?? '?'})  errors ${figures.errors}/${figures.requests}`,
      );
      if (figures.threads) {
        ctx.log(
          `           per request: ${describeThreads(figures.threads)}; other processes kept ` +
            `${figures.foreignCores?.toFixed(2) ?? '?'} cores busy`,
        );
      }
    }
    return {
      rep,
      warmupRps,
      levels,
      peakRssMb: processMemory(pid)?.peakRssMb ?? null,
      answer: running.answer,
    };
  } finally {
    await running.stop();
  }
}

export interface BurstResult {
  rep: number;
  requests: number;
  ok: number;
  statusCodes: Record<string, number>;
  /** From sending the first request to receiving the last answer. */
  elapsedMs: number;
  p50Ms: number;
  maxMs: number;
  /** Certificate loads counted at the certificate source (must be 1). */
  certificateLoads: number | null;
  /** alexa_verification_* series that are not zero after the burst. */
  verificationMetrics: Record<string, number>;
  /** Server CPU over the burst divided by the requests (cold: JIT, certificate parsing included). */
  cpuUsPerRequest: number | null;
  peakRssMb: number | null;
  simulatedDownloadMs: number;
}

/** A simulated certificate download time, so the burst's requests all arrive while the load is in flight. */
export const SIMULATED_DOWNLOAD_MS = 100;

function send(url: string, prepared: PreparedRequest, agent: Agent): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...prepared.headers, 'content-length': Buffer.byteLength(prepared.body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(prepared.body);
  });
}

/** Scenario 6: a fresh service (cold certificate cache), N concurrent signed requests on N connections. */
export async function coldBurst(ctx: BenchContext, rep: number): Promise<BurstResult> {
  const running = await FULL_SIGNED.start(ctx, rep, {
    env: { BENCH_CERT_FETCH_DELAY_MS: String(SIMULATED_DOWNLOAD_MS) },
    skipSanity: true,
  });
  try {
    const n = ctx.options.burst;
    const source = await running.requests(n);
    const prepared = Array.from({ length: n }, () => source.next());
    // An unsigned request is refused before the certificate cache is consulted: it proves verification is
    // wired without warming anything.
    const unsigned = await send(running.url, unsignedSource('launch').next(), new Agent());
    if (unsigned.status === 200) {
      throw new NotAvailableYet(
        'request verification is not wired into the app yet (an unsigned request was answered 200)',
      );
    }
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    const pid = running.server.pid;
    const cpuBefore = cpuMicros(pid);
    const started = performance.now();
    const answers = await Promise.all(prepared.map((p) => send(running.url, p, agent)));
    const elapsedMs = performance.now() - started;
    const cpuAfter = cpuMicros(pid);
    agent.destroy();
    const statusCodes: Record<string, number> = {};
    for (const { status } of answers) statusCodes[status] = (statusCodes[status] ?? 0) + 1;
    const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
    const stats = await running.server.request<{ certificateLoads: number; countingSource: boolean }>({
      type: 'stats',
    });
    const verificationMetrics = running.metricsUrl ? await scrapeVerificationMetrics(running.metricsUrl) : {};
    return {
      rep,
      requests: n,
      ok: statusCodes['200'] ?? 0,
      statusCodes,
      elapsedMs,
      p50Ms: latencies[Math.floor(latencies.length / 2)] ?? 0,
      maxMs: latencies[latencies.length - 1] ?? 0,
      certificateLoads: stats?.countingSource ? stats.certificateLoads : null,
      verificationMetrics,
      cpuUsPerRequest: cpuBefore === undefined || cpuAfter === undefined ? null : (cpuAfter - cpuBefore) / n,
      peakRssMb: processMemory(pid)?.peakRssMb ?? null,
      simulatedDownloadMs: SIMULATED_DOWNLOAD_MS,
    };
  } finally {
    await running.stop();
  }
}

export interface LeakResult {
  connections: number;
  /** Memory after each batch: as found, and again after a forced full garbage collection. */
  series: {
    afterRequests: number;
    /** VmRSS right after the batch, MB. */
    rssMb: number | null;
    /** VmRSS after a full GC, MB. */
    rssAfterGcMb: number | null;
    /** V8 heap in use after a full GC, MB (live objects: what a leak would grow). */
    heapUsedAfterGcMb: number | null;
    rps: number;
    errors: number;
  }[];
  /** The target's figures: RSS after a full GC, after the first batch and after all of them. */
  rssAfterFirstMb: number | null;
  rssAfterAllMb: number | null;
  /** (after all / after the first batch) - 1. */
  growth: number | null;
  /** The same for the live heap. */
  heapGrowth: number | null;
  peakRssMb: number | null;
  errors: number;
  requests: number;
}

/**
 * The full signed path, no warm-up: memory after the first batch and after all batches. Before each reading
 * the server runs a full garbage collection (through its inspector), so the comparison is of memory held, not
 * of where the collector happened to be; the raw RSS is kept too.
 */
export async function leakCheck(ctx: BenchContext): Promise<LeakResult> {
  const inspectPort = await freePort();
  const running = await FULL_SIGNED.start(ctx, 0, { nodeArgs: [`--inspect=127.0.0.1:${inspectPort}`] });
  const inspector = await connectInspector(inspectPort).catch(() => undefined);
  if (!inspector) ctx.log('    warning: no inspector: memory is read without a forced GC');
  try {
    const pid = running.server.pid;
    const { leakTotal, leakChunk } = ctx.options;
    const connections = 16;
    const series: LeakResult['series'] = [];
    let errors = 0;
    let requests = 0;
    for (let done = 0; done < leakTotal; done += leakChunk) {
      const figures = await drive({
        url: running.url,
        connections,
        amount: leakChunk,
        source: await running.requests(leakChunk + SPARE),
        pid,
      });
      errors += figures.errors;
      requests += figures.requests;
      let heapUsedAfterGcMb: number | null = null;
      if (inspector) {
        await inspector.collectGarbage();
        heapUsedAfterGcMb = (await inspector.memoryUsage()).heapUsed / 2 ** 20;
      }
      const rssAfterGcMb = inspector ? (processMemory(pid)?.rssMb ?? null) : null;
      series.push({
        afterRequests: done + leakChunk,
        rssMb: figures.rssMb,
        rssAfterGcMb,
        heapUsedAfterGcMb,
        rps: figures.rps,
        errors: figures.errors,
      });
      ctx.log(
        `    after ${String(done + leakChunk).padStart(7)} requests: RSS ${figures.rssMb?.toFixed(1) ?? '?'} MB, ` +
          `after a full GC ${rssAfterGcMb?.toFixed(1) ?? '?'} MB, live heap ${heapUsedAfterGcMb?.toFixed(1) ?? '?'} MB ` +
          `(${figures.rps.toFixed(0)} req/s, ${figures.errors} errors)`,
      );
    }
    const pick = (entry: LeakResult['series'][number] | undefined): number | null =>
      entry === undefined ? null : (entry.rssAfterGcMb ?? entry.rssMb);
    const first = pick(series[0]);
    const last = pick(series[series.length - 1]);
    const heapFirst = series[0]?.heapUsedAfterGcMb ?? null;
    const heapLast = series[series.length - 1]?.heapUsedAfterGcMb ?? null;
    return {
      connections,
      series,
      rssAfterFirstMb: first,
      rssAfterAllMb: last,
      growth: first !== null && last !== null ? last / first - 1 : null,
      heapGrowth: heapFirst !== null && heapLast !== null ? heapLast / heapFirst - 1 : null,
      peakRssMb: processMemory(pid)?.peakRssMb ?? null,
      errors,
      requests,
    };
  } finally {
    inspector?.close();
    await running.stop();
  }
}
