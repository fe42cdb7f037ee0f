// Drives one server with autocannon (programmatic API) and reads its CPU time around the measured window.
import autocannon from 'autocannon';
import {
  cpuMicros,
  cpuTimes,
  machineBusyMicros,
  processMemory,
  threadStats,
  type ThreadGroupStats,
} from '../../tools/process-stats.ts';
import type { RequestSource } from './requests.ts';

export interface LoadFigures {
  connections: number;
  /** Responses received (any status). */
  requests: number;
  /** Socket errors, timeouts and non-2xx answers. */
  errors: number;
  statusCodes: Record<string, number>;
  elapsedSec: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU (user + system) over the window divided by the responses; null without /proc. */
  cpuUsPerRequest: number | null;
  /** The kernel's share of `cpuUsPerRequest` (stime: socket reads and writes, epoll); null without /proc. */
  sysUsPerRequest: number | null;
  /** The server's RSS right after the window, in MB. */
  rssMb: number | null;
  /**
   * The server's threads over the window, per request, grouped by name: `node` is the event loop, `libuv-worker`
   * the thread pool, `V8 DefaultWorke` V8's helpers (concurrent marking, parallel scavenges, compilation).
   */
  threads?: Record<string, { cpuUs: number; switches: number; involuntary: number }>;
  /**
   * Cores kept busy over the window by everything else on the machine (other users' processes: all busy CPU
   * less the server, its side processes and the load generator); null without /proc. A shared machine's noise.
   */
  foreignCores?: number | null;
  /** Extra processes (e.g. the fake upstream): their CPU per request over the same window. */
  sideCpuUsPerRequest?: Record<string, number | null>;
}

export interface DriveOptions {
  url: string;
  connections: number;
  /** Requests to send; the window lasts as long as they take (sized from the measured rate). */
  amount: number;
  source: RequestSource;
  /** The server process measured. */
  pid: number;
  /** Other processes whose CPU is read over the same window, by name. */
  sidePids?: Record<string, number>;
}

/** Sends `amount` requests over `connections` keep-alive connections and measures the server. */
export async function drive(options: DriveOptions): Promise<LoadFigures> {
  const { url, connections, source, pid } = options;
  const amount = Math.max(options.amount, connections);
  const sideBefore = Object.fromEntries(
    Object.entries(options.sidePids ?? {}).map(([name, sidePid]) => [name, cpuMicros(sidePid)]),
  );
  const cpuBefore = cpuTimes(pid);
  const threadsBefore = threadStats(pid);
  const machineBefore = machineBusyMicros();
  const selfBefore = process.cpuUsage();
  const started = performance.now();
  let lastResponse = started;
  // autocannon's own histogram keeps whole milliseconds; its response event carries the exact time.
  const latencies = new Float64Array(amount + connections * 2);
  let recorded = 0;
  const instance = autocannon({
    url,
    connections,
    amount,
    timeout: 10,
    // The run ends at the first sample tick after the last response: keep that tail short.
    sampleInt: 100,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const next = source.next();
          request.body = next.body;
          // A copy: autocannon adds Content-Length to the object it is given.
          request.headers = { ...next.headers };
          return request;
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
    lastResponse = performance.now();
    if (recorded < latencies.length) latencies[recorded++] = responseTimeMs;
  });
  const result = await instance;
  const cpuAfter = cpuTimes(pid);
  const threadsAfter = threadStats(pid);
  const machineAfter = machineBusyMicros();
  const self = process.cpuUsage(selfBefore);
  const memory = processMemory(pid);
  const elapsedSec = Math.max(lastResponse - started, 1) / 1000;
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]),
  );
  const sorted = latencies.subarray(0, recorded).sort();
  const responses = Object.values(statusCodes).reduce((sum, count) => sum + count, 0);
  const perRequest = (before: number | undefined, after: number | undefined): number | null =>
    before === undefined || after === undefined || responses === 0 ? null : (after - before) / responses;
  const figures: LoadFigures = {
    connections,
    requests: responses,
    errors: result.errors + result.non2xx + result.mismatches,
    statusCodes,
    elapsedSec,
    rps: responses / elapsedSec,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    cpuUsPerRequest: perRequest(total(cpuBefore), total(cpuAfter)),
    sysUsPerRequest: perRequest(cpuBefore?.system, cpuAfter?.system),
    rssMb: memory?.rssMb ?? null,
  };
  if (threadsBefore && threadsAfter && responses > 0)
    figures.threads = perThread(threadsBefore, threadsAfter, responses);
  const sideMicros = Object.entries(options.sidePids ?? {}).map(
    ([name, sidePid]) => (cpuMicros(sidePid) ?? 0) - (sideBefore[name] ?? 0),
  );
  const serverMicros = (total(cpuAfter) ?? 0) - (total(cpuBefore) ?? 0);
  figures.foreignCores =
    machineBefore === undefined || machineAfter === undefined
      ? null
      : Math.max(
          0,
          machineAfter -
            machineBefore -
            serverMicros -
            sideMicros.reduce((sum, v) => sum + v, 0) -
            self.user -
            self.system,
        ) /
        (elapsedSec * 1_000_000);
  if (options.sidePids) {
    figures.sideCpuUsPerRequest = Object.fromEntries(
      Object.entries(options.sidePids).map(([name, sidePid]) => [
        name,
        perRequest(sideBefore[name], cpuMicros(sidePid)),
      ]),
    );
  }
  return figures;
}

function perThread(
  before: Record<string, ThreadGroupStats>,
  after: Record<string, ThreadGroupStats>,
  responses: number,
): Record<string, { cpuUs: number; switches: number; involuntary: number }> {
  const zero: ThreadGroupStats = { threads: 0, cpuMicros: 0, voluntarySwitches: 0, involuntarySwitches: 0 };
  return Object.fromEntries(
    Object.entries(after).map(([name, a]) => {
      const b = before[name] ?? zero;
      const involuntary = a.involuntarySwitches - b.involuntarySwitches;
      return [
        name,
        {
          cpuUs: (a.cpuMicros - b.cpuMicros) / responses,
          switches: (a.voluntarySwitches - b.voluntarySwitches + involuntary) / responses,
          involuntary: involuntary / responses,
        },
      ];
    }),
  );
}

function total(times: { user: number; system: number } | undefined): number | undefined {
  return times === undefined ? undefined : times.user + times.system;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}
