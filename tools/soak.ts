// Soak test: the built service under a long, mixed load with upstream faults.
//
//   npm run soak                                   10 minutes at 100 requests/s
//   npm run soak -- --minutes 3 --rps 150 --out /tmp/soak
//
// Starts dist/apps/skill-service/src/main.js (run `npm run build` first) as a child process with a development
// CA, and the fake music API in this process; sends an open-loop mix of linked, unlinked, event, redelivered and
// invalid requests (tools/soak/traffic.ts) while the fake API cycles through faults every minute (slow, 503,
// hanging, 429, malformed); samples the service's RSS and heap from its /metrics. Reports requests served,
// wrong answers by class, latency percentiles, memory over time (CSV + a text chart), and fails (exit 1) on any
// 5xx, socket error or wrong status, on RSS above the pod's memory limit, or on a memory growth trend after
// warm-up. Finally sends SIGTERM and expects a clean exit.
import { mkdirSync, existsSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SKILL_ID } from './alexa-request/envelope.ts';
import { describeRuntime, imageRuntime } from './image-runtime.ts';
import { cpuMicros } from './process-stats.ts';
import { ensureDevCerts, loadDevSigningIdentity } from './dev-certs.ts';
import { type FakeBehaviour, startFakeMusicApi } from './fake-music-api.ts';
import { exchange } from './soak/http-client.ts';
import { chart, growthTrend, type MemorySample, percentile, Reservoir, toCsv } from './soak/report.ts';
import { ServiceProcess } from './soak/service-process.ts';
import { type SoakRequest, Traffic } from './soak/traffic.ts';

const TOKEN = 'soak-linked-token';
/** The chart's memory limit (helm/skill-service/values.yaml resources.limits.memory). */
const POD_MEMORY_LIMIT_MIB = 320;
const HEAP_GROWTH_ALLOWED_MIB = 8;
const RSS_GROWTH_ALLOWED_MIB = 24;

/** One minute of upstream weather, repeated: mostly healthy, then each kind of trouble for a few seconds. */
const FAULT_CYCLE: ReadonlyArray<{ until: number; name: string; behaviour?: FakeBehaviour }> = [
  { until: 36, name: 'healthy' },
  { until: 42, name: 'slow', behaviour: { mode: 'slow', delayMs: 1_500 } },
  { until: 48, name: '503', behaviour: { mode: 'fail', status: 503 } },
  { until: 54, name: 'hang', behaviour: { mode: 'hang' } },
  { until: 57, name: '429', behaviour: { mode: '429', retryAfter: 1 } },
  { until: 60, name: 'malformed', behaviour: { mode: 'malformed' } },
];

interface Options {
  minutes: number;
  rps: number;
  maxInFlight: number;
  sampleSeconds: number;
  out: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      rps: { type: 'string', default: '100' },
      'max-in-flight': { type: 'string', default: '512' },
      'sample-seconds': { type: 'string', default: '5' },
      out: { type: 'string' },
    },
  });
  const number = (name: string, raw: string, min: number): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}, got ${raw}`);
    return n;
  };
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    minutes: number('minutes', values.minutes, 0.1),
    rps: number('rps', values.rps, 1),
    maxInFlight: number('max-in-flight', values['max-in-flight'], 1),
    sampleSeconds: number('sample-seconds', values['sample-seconds'], 1),
    out: resolve(values.out ?? join(tmpdir(), `alexa-soak-${stamp}`)),
  };
}

/** The value of an unlabelled sample in Prometheus text, in MiB. */
function mib(metrics: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics);
  return match ? Number(match[1]) / 2 ** 20 : Number.NaN;
}

/** CPU seconds a process used so far (Linux /proc), or NaN elsewhere. */
function cpuSeconds(pid: number): number {
  return (cpuMicros(pid) ?? Number.NaN) / 1_000_000;
}

function classifySpeech(body: string): string {
  let ssml: string | undefined;
  try {
    ssml = (JSON.parse(body) as { response?: { outputSpeech?: { ssml?: string } } }).response?.outputSpeech
      ?.ssml;
  } catch {
    return 'invalid JSON';
  }
  if (ssml === undefined) return 'no speech (events, session end)';
  if (ssml.includes("isn't answering")) return 'upstream down';
  if (ssml.includes('busy right now')) return 'rate limited';
  if (ssml.includes('link your account')) return 'link card';
  if (ssml.includes('went wrong')) return 'apology';
  return 'real answer';
}

function isEnvelope(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { version?: unknown; response?: unknown };
    return parsed.version === '1.0' && typeof parsed.response === 'object' && parsed.response !== null;
  } catch {
    return false;
  }
}

const count = (map: Map<string, number>, key: string, n = 1): void =>
  void map.set(key, (map.get(key) ?? 0) + n);
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
const table = (map: Map<string, number>): string =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `  ${String(n).padStart(8)}  ${k}`)
    .join('\n') || '  (none)';

async function main(): Promise<void> {
  const opts = options();
  const root = resolve(import.meta.dirname, '..');
  if (!existsSync(join(root, 'dist/apps/skill-service/src/main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
  mkdirSync(opts.out, { recursive: true });
  const certs = await ensureDevCerts(join(tmpdir(), 'alexa-soak-certs'));
  const identity = await loadDevSigningIdentity(certs.dir);
  const music = await startFakeMusicApi({ tokens: { [TOKEN]: { displayName: 'Soak' } }, control: false });

  const runtime = imageRuntime(root);
  const logLevels = new Map<string, number>();
  const fatalLines: string[] = [];
  const service = await ServiceProcess.start({
    root,
    keepOutput: false,
    env: {
      ALEXA_CERT_SOURCE: `file:${certs.dir}`,
      ALEXA_TRUSTED_CA_FILE: certs.caFile,
      ALEXA_SKILL_ID: DEFAULT_SKILL_ID,
      LOG_LEVEL: 'info',
      MUSIC_API_BASE_URL: music.url,
      ALEXA_API_ENDPOINT_ALLOW_ANY: 'true',
      SHUTDOWN_TIMEOUT_MS: '10000',
      // The container's Node settings (memory and thread pool), so RSS and latency are the pod's.
      ...runtime.env,
    },
    nodeArgs: runtime.nodeArgs,
    onLine: (line) => {
      const level = /"level":(\d+)/.exec(line)?.[1] ?? 'non-JSON';
      count(logLevels, level);
      if (/uncaught exception|unhandled rejection/.test(line)) fatalLines.push(line.slice(0, 300));
    },
  });
  const cpuAtStart = cpuSeconds(service.pid);
  process.stdout.write(
    `soak: ${opts.minutes} min at ${opts.rps} req/s against pid ${service.pid} (port ${service.port}); output in ${opts.out}\n` +
      `soak: service runtime ${describeRuntime(runtime)} (the image's, from the Dockerfile)\n`,
  );

  const traffic = new Traffic({ identity, token: TOKEN, apiEndpoint: music.url });
  const agent = new Agent({ keepAlive: true, maxSockets: opts.maxInFlight });
  const statusClasses = new Map<string, number>();
  const wrongAnswers = new Map<string, number>();
  const speech = new Map<string, number>();
  const latencies = new Reservoir(200_000);
  const latencyByKind = new Map<string, Reservoir>();
  let interval: number[] = [];
  let answered = 0;
  let errors = 0;
  let inFlight = 0;
  let notSent = 0;
  let upstream = 'healthy';

  const record = (request: SoakRequest, result: Awaited<ReturnType<typeof exchange>>): void => {
    answered += 1;
    const ms = result.doneAt - result.sentAt;
    latencies.add(ms);
    interval.push(ms);
    let byKind = latencyByKind.get(request.kind);
    if (!byKind) latencyByKind.set(request.kind, (byKind = new Reservoir(20_000)));
    byKind.add(ms);
    const status = result.status;
    count(
      statusClasses,
      status === undefined ? `socket error (${result.error})` : `${Math.floor(status / 100)}xx`,
    );
    const ok =
      request.expect === '200'
        ? status === 200 && isEnvelope(result.body)
        : status !== undefined && status >= 400 && status < 500;
    if (ok) traffic.answered(request);
    if (!ok) {
      errors += 1;
      count(wrongAnswers, `${request.kind}: expected ${request.expect}, got ${status ?? result.error}`);
    } else if (request.expect === '200' && !request.kind.startsWith('event:')) {
      count(speech, `${request.kind.split(':')[0]} -> ${classifySpeech(result.body)}`);
    }
  };

  const started = Date.now();
  const durationMs = opts.minutes * 60_000;
  const samples: MemorySample[] = [];
  let lastSampleAnswered = 0;
  const sample = async (): Promise<void> => {
    const metrics = await service.metrics();
    const sorted = interval.sort((a, b) => a - b);
    const t = (Date.now() - started) / 1000;
    const previousT = samples.at(-1)?.t ?? 0;
    samples.push({
      t,
      rssMiB: mib(metrics, 'process_resident_memory_bytes'),
      heapUsedMiB: mib(metrics, 'nodejs_heap_size_used_bytes'),
      heapTotalMiB: mib(metrics, 'nodejs_heap_size_total_bytes'),
      externalMiB: mib(metrics, 'nodejs_external_memory_bytes'),
      requests: answered,
      rps: (answered - lastSampleAnswered) / Math.max(0.001, t - previousT),
      p99Ms: percentile(sorted, 99),
      errors,
      upstream,
    });
    lastSampleAnswered = answered;
    interval = [];
    const s = samples[samples.length - 1];
    process.stdout.write(
      `  ${s.t.toFixed(0).padStart(5)} s  ${String(answered).padStart(8)} answered  ${s.rps.toFixed(0).padStart(4)}/s  p99 ${s.p99Ms.toFixed(0).padStart(5)} ms  rss ${s.rssMiB.toFixed(1)} MiB  heap ${s.heapUsedMiB.toFixed(1)} MiB  wrong ${errors}  upstream ${upstream}\n`,
    );
  };

  // Upstream weather.
  const weather = setInterval(() => {
    const second = ((Date.now() - started) / 1000) % 60;
    const phase = FAULT_CYCLE.find((p) => second < p.until) ?? FAULT_CYCLE[0];
    if (phase.name === upstream) return;
    upstream = phase.name;
    music.reset();
    if (phase.behaviour) music.behave(phase.behaviour);
  }, 250);
  const sampler = setInterval(() => void sample().catch(() => undefined), opts.sampleSeconds * 1000);

  // Open loop: requests leave at the set rate whatever the service's latency (as Alexa traffic does).
  const pending = new Set<Promise<void>>();
  let issued = 0;
  while (Date.now() - started < durationMs) {
    const due = Math.floor(((Date.now() - started) / 1000) * opts.rps) - issued;
    for (let i = 0; i < due; i++) {
      issued += 1;
      if (inFlight >= opts.maxInFlight) {
        notSent += 1;
        continue;
      }
      const request = traffic.next();
      inFlight += 1;
      const done = exchange({
        port: service.port,
        agent,
        method: 'POST',
        path: request.path,
        headers: request.headers,
        body: request.body,
        timeoutMs: 15_000,
      }).then((result) => {
        inFlight -= 1;
        record(request, result);
      });
      pending.add(done);
      void done.finally(() => pending.delete(done));
    }
    await sleep(5);
  }
  await Promise.all(pending);
  clearInterval(sampler);
  clearInterval(weather);
  await sample();
  const cpuUsed = cpuSeconds(service.pid) - cpuAtStart;
  agent.destroy();
  const serviceMetrics = await service.metrics();
  const stopAt = Date.now();
  const exit = await service.stop(15_000);
  await music.close();

  // ------------------------------------------------------------------------------------------------ report
  const elapsed = (stopAt - started) / 1000;
  const warmup = Math.min(120, Math.max(30, elapsed * 0.2));
  const heapTrend = growthTrend('heap used', samples, (s) => s.heapUsedMiB, warmup, HEAP_GROWTH_ALLOWED_MIB);
  const rssTrend = growthTrend('RSS', samples, (s) => s.rssMiB, warmup, RSS_GROWTH_ALLOWED_MIB);
  const maxRss = Math.max(...samples.map((s) => s.rssMiB));
  const sorted = latencies.sorted();
  const kindRows = [...latencyByKind]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([kind, r]) => {
      const s = r.sorted();
      return `  ${kind.padEnd(30)} ${String(s.length).padStart(7)}  ${percentile(s, 50).toFixed(1).padStart(7)}  ${percentile(s, 99).toFixed(1).padStart(7)}  ${(s.at(-1) ?? 0).toFixed(0).padStart(6)}`;
    });
  // What the service itself counted, as a cross-check of the client's numbers.
  let serviceCounted = 0;
  for (const match of serviceMetrics.matchAll(/^http_requests_total\{route="([^"]*)"[^}]*\} (\S+)$/gm)) {
    if (!match[1].startsWith('/health')) serviceCounted += Number(match[2]);
  }
  const failures: string[] = [];
  if (errors > 0) failures.push(`${errors} wrong answers`);
  if (fatalLines.length > 0) failures.push(`${fatalLines.length} fatal log lines`);
  if (maxRss >= POD_MEMORY_LIMIT_MIB)
    failures.push(`RSS reached ${maxRss.toFixed(1)} MiB (pod limit ${POD_MEMORY_LIMIT_MIB})`);
  if (heapTrend.growing)
    failures.push(`heap grows after warm-up (${heapTrend.slopePerMinute.toFixed(2)} MiB/min)`);
  if (rssTrend.growing)
    failures.push(`RSS grows after warm-up (${rssTrend.slopePerMinute.toFixed(2)} MiB/min)`);
  if (exit.code !== 0) failures.push(`service exited with ${exit.code ?? exit.signal} after SIGTERM`);

  const trendLine = (v: typeof heapTrend): string =>
    `  ${v.series.padEnd(10)} floor ${v.firstFloor.toFixed(1)} -> ${v.lastFloor.toFixed(1)} MiB, slope ${v.slopePerMinute >= 0 ? '+' : ''}${v.slopePerMinute.toFixed(2)} MiB/min (allowed growth ${v.allowedMiB} MiB): ${v.growing ? 'GROWING' : 'flat'}`;
  const report = `Soak report (${new Date(started).toISOString()})
  duration ${elapsed.toFixed(0)} s, target ${opts.rps} req/s, warm-up ${warmup.toFixed(0)} s; Node ${process.version}
  requests answered: ${answered} (${(answered / elapsed).toFixed(1)}/s); not sent (client at ${opts.maxInFlight} in flight): ${notSent}
  service's own count (http_requests_total, health probes excluded): ${serviceCounted}
  service CPU: ${cpuUsed.toFixed(1)} s (${((cpuUsed * 1000) / Math.max(1, answered)).toFixed(2)} ms per request)

Answers by status class:
${table(statusClasses)}

Wrong answers (5xx, socket errors, a status other than expected):
${table(wrongAnswers)}

What users heard (accepted Launch/Intent requests):
${table(speech)}

Latency, ms (client side, including upstream faults):
  ${'kind'.padEnd(30)} ${'count'.padStart(7)}  ${'p50'.padStart(7)}  ${'p99'.padStart(7)}  ${'max'.padStart(6)}
  ${'all'.padEnd(30)} ${String(answered).padStart(7)}  ${percentile(sorted, 50).toFixed(1).padStart(7)}  ${percentile(sorted, 99).toFixed(1).padStart(7)}  ${(sorted.at(-1) ?? 0).toFixed(0).padStart(6)}
${kindRows.join('\n')}

Service log lines by level (30 info, 40 warn, 50 error):
${table(logLevels)}
  fatal (uncaught exception / unhandled rejection): ${fatalLines.length}

Memory (service process, sampled every ${opts.sampleSeconds} s from /metrics):
  RSS  first ${samples[0]?.rssMiB.toFixed(1)} MiB, max ${maxRss.toFixed(1)} MiB, last ${samples.at(-1)?.rssMiB.toFixed(1)} MiB (pod limit ${POD_MEMORY_LIMIT_MIB} MiB)
  heap first ${samples[0]?.heapUsedMiB.toFixed(1)} MiB, max ${Math.max(...samples.map((s) => s.heapUsedMiB)).toFixed(1)} MiB, last ${samples.at(-1)?.heapUsedMiB.toFixed(1)} MiB
${trendLine(heapTrend)}
${trendLine(rssTrend)}

${chart('RSS, MiB', samples, (s) => s.rssMiB)}
${chart('heap used, MiB', samples, (s) => s.heapUsedMiB)}
Shutdown: SIGTERM -> exit ${exit.code ?? exit.signal} after ${exit.at - stopAt} ms

VERDICT: ${failures.length === 0 ? 'PASS' : `FAIL (${failures.join('; ')})`}
`;
  writeFileSync(join(opts.out, 'samples.csv'), toCsv(samples));
  writeFileSync(join(opts.out, 'report.txt'), report);
  writeFileSync(
    join(opts.out, 'summary.json'),
    `${JSON.stringify(
      {
        started: new Date(started).toISOString(),
        seconds: elapsed,
        targetRps: opts.rps,
        answered,
        serviceCounted,
        notSent,
        statusClasses: Object.fromEntries(statusClasses),
        wrongAnswers: Object.fromEntries(wrongAnswers),
        speech: Object.fromEntries(speech),
        latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 },
        cpuMsPerRequest: (cpuUsed * 1000) / Math.max(1, answered),
        memory: { maxRssMiB: maxRss, heapTrend, rssTrend },
        logLevels: Object.fromEntries(logLevels),
        exit,
        failures,
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`\n${report}\nfiles: ${join(opts.out, 'report.txt')}, samples.csv, summary.json\n`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
