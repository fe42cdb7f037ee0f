// What unauthenticated traffic costs the built service (dist/, the image's Node settings) before the signature
// check: server CPU per request for request bodies of one size and different shapes, and the resident memory
// that stalled bodies hold.
//
//   npm run build && node bench/hostile-traffic.bench.ts [--rounds 15] [--requests 20] [--stalled 2000] [--json]
//
// Bodies: `flat` (one 130 KB string), `deep` (`[[[...{"constructor":{}}...]]]`), `wide` (`[{"constructor":{}},
// {},{},...]`), `forest` (`[{"constructor":{}},[[[[[[[[]]]]]]]],...]`: nested 8 levels, many times), all 130,000 bytes, carrying the real certificate URL and a well-formed signature that does not
// match (the cheapest request an attacker can make that verification must look at); `signed`: a valid signed
// LaunchRequest (valid traffic, for comparison). Each round sends `requests` of each shape one after another on
// a kept-alive connection and reads the service's CPU time from /proc before and after; the shapes take turns
// in a rotating order. Figures are medians over rounds.
// Early answer: a 100 GB text/plain body, answered 415 before it is read: how long the connection stays open and
// how much the service reads. Stalled bodies: `stalled` connections each declare BODY_LIMIT_BYTES and send one
// byte less; the figure is the service's resident memory before, and its peak (VmHWM) while they are held, with
// how many were accepted.
// `npm run bench` imports `run()` (bench/lib/extras.ts contract).
import { connect, type Socket } from 'node:net';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { alexaRequest, DEFAULT_SKILL_ID } from '../tools/alexa-request/envelope.ts';
import { hostileBody } from '../tools/alexa-request/hostile-bodies.ts';
import { signRequest } from '../tools/alexa-request/sign.ts';
import { ensureDevCerts, loadDevSigningIdentity } from '../tools/dev-certs.ts';
import { imageRuntime } from '../tools/image-runtime.ts';
import { readFileSync } from 'node:fs';
import { processMemory } from '../tools/process-stats.ts';
import { exchange } from '../tools/soak/http-client.ts';
import { ServiceProcess } from '../tools/soak/service-process.ts';

export interface HostileTrafficBenchOptions {
  /** @default 15 */
  rounds?: number;
  /** Requests per shape per round. @default 20 */
  requests?: number;
  /** Stalled connections (0: skip). @default 2000 */
  stalled?: number;
  /** Service environment on top of the bench's (e.g. `{ BODY_MAX_DEPTH: '64' }`). */
  env?: Record<string, string>;
  root?: string;
  smoke?: boolean;
}

const SHAPES = ['signed', 'flat', 'deep', 'wide', 'forest'] as const;
type Shape = (typeof SHAPES)[number];

/**
 * CPU time of the process's main thread (the event loop, where parsing and hooks run) in microseconds, from
 * /proc/<pid>/schedstat (nanosecond resolution; /proc/<pid>/stat counts 10 ms ticks).
 */
function eventLoopMicros(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function run(options: HostileTrafficBenchOptions = {}): Promise<Record<string, unknown>> {
  const root = resolve(options.root ?? join(import.meta.dirname, '..'));
  const rounds = options.smoke ? 2 : (options.rounds ?? 15);
  const perRound = options.smoke ? 3 : (options.requests ?? 20);
  const stalledCount = options.smoke ? 50 : (options.stalled ?? 2000);
  const certs = await ensureDevCerts(join(tmpdir(), `alexa-hostile-bench-certs-${process.pid}`));
  const identity = await loadDevSigningIdentity(certs.dir);
  const runtime = imageRuntime(root);
  const service = await ServiceProcess.start({
    root,
    nodeArgs: runtime.nodeArgs,
    keepOutput: false,
    env: {
      ...runtime.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      ALEXA_CERT_SOURCE: `file:${certs.dir}`,
      ALEXA_TRUSTED_CA_FILE: certs.caFile,
      ALEXA_SKILL_ID: DEFAULT_SKILL_ID,
      MUSIC_API_BASE_URL: 'http://127.0.0.1:9',
      ...options.env,
    },
  });
  const lines: string[] = [];
  const result: Record<string, unknown> = { node: process.version, rounds, perRound };
  try {
    // A well-formed signature over other bytes: the service must hash the body and run one RSA verify.
    const wrongSignature = signRequest('other bytes', identity)['Signature-256'];
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = async (shape: Shape, serial: number): Promise<number | undefined> => {
      let body: string;
      let signature: string;
      if (shape === 'signed') {
        body = alexaRequest().launch().requestId(`amzn1.echo-api.request.bench-${serial}`).body();
        signature = signRequest(body, identity)['Signature-256'];
      } else {
        body = bodies[shape];
        signature = wrongSignature;
      }
      const reply = await exchange({
        port: service.port,
        agent,
        body,
        headers: {
          'content-type': 'application/json',
          signaturecertchainurl: identity.certUrl,
          'signature-256': signature,
        },
      });
      return reply.status;
    };
    const bodies = {
      flat: hostileBody('flat'),
      deep: hostileBody('deep'),
      wide: hostileBody('wide'),
      forest: hostileBody('forest'),
    };
    const statuses: Record<Shape, Set<string>> = {
      signed: new Set(),
      flat: new Set(),
      deep: new Set(),
      wide: new Set(),
      forest: new Set(),
    };
    let serial = 0;
    for (const shape of SHAPES) for (let i = 0; i < 30; i++) await send(shape, ++serial); // warm-up (JIT)
    const cpu: Record<Shape, number[]> = { signed: [], flat: [], deep: [], wide: [], forest: [] };
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < SHAPES.length; k++) {
        const shape = SHAPES[(k + round) % SHAPES.length];
        const before = eventLoopMicros(service.pid);
        for (let i = 0; i < perRound; i++) statuses[shape].add(String(await send(shape, ++serial)));
        cpu[shape].push((eventLoopMicros(service.pid) - before) / perRound);
      }
    }
    agent.destroy();
    const perShape: Record<string, { cpuUs: number; xFlat: number; statuses: string }> = {};
    const flatUs = median(cpu.flat);
    for (const shape of SHAPES) {
      const us = median(cpu[shape]);
      perShape[shape] = {
        cpuUs: Math.round(us),
        xFlat: Math.round((us / flatUs) * 100) / 100,
        statuses: [...statuses[shape]].join('/'),
      };
      lines.push(
        `${shape.padEnd(7)} ${String(Math.round(us)).padStart(7)} us event loop/request  ${perShape[shape].xFlat.toFixed(2)}x flat  -> ${perShape[shape].statuses}`,
      );
    }
    result.shapes = perShape;

    const early = await earlyAnswer(service);
    result.earlyAnswer = early;
    lines.push(
      early.closedAfterMs === null
        ? `415 to a 100 GB text/plain body: still reading after ${early.pushedMiB} MiB`
        : `415 to a 100 GB text/plain body: connection closed after ${early.closedAfterMs} ms, ${early.pushedMiB} MiB taken`,
    );

    if (stalledCount > 0) {
      const stalled = await stalledBodies(service, stalledCount);
      result.stalled = stalled;
      lines.push(
        `stalled bodies: ${stalledCount} connections, ${stalled.accepted} held by the service; RSS ${stalled.rssBeforeMiB} MiB -> peak ${stalled.peakRssMiB} MiB`,
      );
    }
  } finally {
    await service.stop();
  }
  return { ...result, lines };
}

/**
 * One connection that declares a 100 GB `text/plain` body (answered 415 before it is read) and sends as fast as the
 * service takes it: how long until the service closed the connection and how much it took, or, when it is still
 * reading after 4 GiB, `closedAfterMs: null`.
 */
function earlyAnswer(service: ServiceProcess): Promise<{ closedAfterMs: number | null; pushedMiB: number }> {
  const cap = 4 * 2 ** 30;
  return new Promise((resolve) => {
    const socket = connect({ port: service.port, host: '127.0.0.1' });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const started = performance.now();
    let pushed = 0;
    const done = (closed: boolean): void =>
      resolve({
        closedAfterMs: closed ? Math.round(performance.now() - started) : null,
        pushedMiB: Math.round(pushed / 2 ** 20),
      });
    const pump = (): void => {
      while (!socket.destroyed) {
        if (pushed >= cap) {
          socket.removeAllListeners('close');
          socket.destroy();
          return done(false);
        }
        pushed += chunk.length;
        if (!socket.write(chunk)) return;
      }
    };
    socket.on('error', () => undefined);
    socket.on('drain', pump);
    socket.once('close', () => done(true));
    socket.once('connect', () => {
      socket.write(
        'POST /alexa HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100000000000\r\n\r\n',
      );
      pump();
    });
  });
}

/** Opens `count` connections that each send all but the last byte of a body of BODY_LIMIT_BYTES. */
async function stalledBodies(
  service: ServiceProcess,
  count: number,
): Promise<{ accepted: number; rssBeforeMiB: number; peakRssMiB: number }> {
  const declared = 131_072;
  const rssBeforeMiB = Math.round(processMemory(service.pid)?.rssMb ?? 0);
  const sockets: Socket[] = [];
  const chunk = Buffer.alloc(declared - 1, 0x61);
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolveOne) => {
          const socket = connect({ port: service.port, host: '127.0.0.1' });
          sockets.push(socket);
          socket.on('error', () => undefined);
          socket.once('close', () => resolveOne());
          socket.once('connect', () => {
            socket.write(
              `POST /alexa HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`,
            );
            socket.write(chunk, () => resolveOne());
          });
        }),
    ),
  );
  // Give the service a moment to read what was sent, then sample its peak.
  await new Promise((r) => setTimeout(r, 2_000));
  const peakRssMiB = Math.round(processMemory(service.pid)?.peakRssMb ?? 0);
  const accepted = sockets.filter((s) => !s.destroyed && !s.closed).length;
  for (const socket of sockets) socket.destroy();
  return { accepted, rssBeforeMiB, peakRssMiB };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string' },
      requests: { type: 'string' },
      stalled: { type: 'string' },
      env: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
  });
  const env = Object.fromEntries((values.env ?? []).map((pair) => pair.split('=', 2) as [string, string]));
  const result = await run({
    rounds: values.rounds ? Number(values.rounds) : undefined,
    requests: values.requests ? Number(values.requests) : undefined,
    stalled: values.stalled ? Number(values.stalled) : undefined,
    env,
  });
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else for (const line of result.lines as string[]) console.log(line);
}
