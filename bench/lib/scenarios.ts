// The servers under test and how each one is started and checked before it is measured.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions, ScenarioKey } from './options.ts';
import type { ImageRuntime } from '../../tools/image-runtime.ts';
import {
  BENCH_ACCESS_TOKEN,
  DEFAULT_SKILL_ID,
  type PreparedRequest,
  type RequestKind,
  type RequestSource,
  type Signer,
  unsignedSource,
} from './requests.ts';
import { freePort, ServerProcess, type ServerSpec } from './server-process.ts';

export interface DevCertificates {
  readonly dir: string;
  readonly caFile: string;
}

export interface BenchContext {
  readonly root: string;
  readonly dist: string;
  readonly resultsDir: string;
  /** The type-stripped servers (`<name>.mjs`, see compile-servers.ts). */
  readonly serversDir: string;
  readonly options: BenchOptions;
  /** Absent when the signing tools are not in the repository yet. */
  readonly signer: Signer | undefined;
  readonly certs: DevCertificates | undefined;
  /** The production image's Node runtime settings (Dockerfile ENV and CMD flags), given to every service process. */
  readonly imageRuntime: ImageRuntime;
  /** Why signed scenarios cannot run, when they cannot. */
  readonly signingUnavailable: string | undefined;
  log(line: string): void;
}

/** A prerequisite another part of the project has not delivered yet: the scenario is skipped, not failed. */
export class NotAvailableYet extends Error {
  override readonly name = 'NotAvailableYet';
}

/** A server answered the sanity request wrongly: a real failure. */
export class SanityFailure extends Error {
  override readonly name = 'SanityFailure';
}

export interface RunningServer {
  readonly server: ServerProcess;
  readonly url: string;
  readonly metricsUrl: string | undefined;
  /** Helper processes (the fake upstream), measured alongside. */
  readonly side: Record<string, ServerProcess>;
  /** What the server said to the sanity request (speech, tags stripped); undefined when skipped. */
  answer: string | undefined;
  /** Prepares `count` requests of this scenario's kind (signing them when the scenario is signed). */
  requests(count: number): Promise<RequestSource>;
  stop(): Promise<void>;
}

export interface Scenario {
  readonly id: number;
  readonly key: ScenarioKey;
  readonly title: string;
  /** One line on what is measured and how. */
  readonly description: string;
  readonly kind: RequestKind;
  readonly signed: boolean;
  /** Starts the server (and helpers) and proves it answers correctly; throws NotAvailableYet or SanityFailure. */
  start(ctx: BenchContext, rep: number, options?: StartOptions): Promise<RunningServer>;
}

export interface StartOptions {
  /** Extra environment for the service (e.g. a simulated certificate download delay). */
  env?: Record<string, string>;
  /** Extra Node options for the service (e.g. --inspect for the leak check). */
  nodeArgs?: string[];
  /** Skip the sanity requests (the cold burst needs a cold certificate cache). */
  skipSanity?: boolean;
}

const WELCOME_FRAGMENT = 'Welcome';

function stdoutFile(ctx: BenchContext, name: string, rep: number): string {
  return ctx.options.keepLogs ? join(ctx.resultsDir, 'logs', `${name}-rep${rep}.log`) : '/dev/null';
}

function nodeArgs(ctx: BenchContext, key: ScenarioKey): string[] {
  return ctx.options.profile.has(key)
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${join(ctx.resultsDir, 'profiles')}`,
        `--cpu-prof-name=${key}-${Date.now()}.cpuprofile`,
      ]
    : [];
}

async function post(url: string, request: PreparedRequest): Promise<{ status: number; text: string }> {
  try {
    const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    throw new SanityFailure(`POST ${url} failed: ${cause instanceof Error ? cause.message : String(error)}`);
  }
}

function snippet(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** The speech of an Alexa response envelope, tags stripped; undefined when it is not one. */
function speechOf(text: string): string | undefined {
  try {
    const envelope = JSON.parse(text) as {
      version?: unknown;
      response?: { outputSpeech?: { ssml?: string; text?: string } };
    };
    if (envelope.version !== '1.0' || typeof envelope.response !== 'object') return undefined;
    const speech = envelope.response.outputSpeech;
    return (speech?.ssml ?? speech?.text ?? '').replace(/<[^>]+>/g, '');
  } catch {
    return undefined;
  }
}

/** POSTs the request and checks for 200 with an Alexa response envelope; returns its speech. */
async function expectAnswer(
  url: string,
  request: PreparedRequest,
  what: string,
  fragment?: string,
): Promise<string> {
  const { status, text } = await post(url, request);
  const speech = speechOf(text);
  if (status !== 200 || speech === undefined || (fragment !== undefined && !speech.includes(fragment))) {
    throw new SanityFailure(
      `${what}: expected 200 with an Alexa response${fragment ? ` saying "${fragment}..."` : ''}, ` +
        `got ${status} ${snippet(text)}`,
    );
  }
  return speech;
}

/** The track the fake upstream reports as playing for the benchmark's linked user. */
const PLAYING_TRACK_URI = 'spotify:track:0DiWol3AO6WpXZgp0goxAV';
const PLAYING_TRACK_NAME = 'One More Time';

/**
 * The fake music API (tools/fake-music-api.ts, own process) with the benchmark's linked user playing a track, so
 * WhatsPlayingIntent reads a full currently-playing answer (200 with a track object), not a 204.
 */
async function startFakeUpstream(ctx: BenchContext): Promise<{ fake: ServerProcess; port: number }> {
  const fakeScript = join(ctx.root, 'tools', 'fake-music-api.ts');
  if (!existsSync(fakeScript))
    throw new NotAvailableYet('tools/fake-music-api.ts is not in the repository yet');
  const port = await freePort();
  const fake = new ServerProcess({
    name: 'fake-music-api',
    script: fakeScript,
    args: ['--port', String(port), '--host', '127.0.0.1', '--token', BENCH_ACCESS_TOKEN],
    port,
    stdoutFile: '/dev/null',
  });
  await fake.start();
  const seeded = await fetch(`http://127.0.0.1:${port}/v1/me/player/play`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${BENCH_ACCESS_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ uris: [PLAYING_TRACK_URI] }),
  }).catch((error: unknown) => error);
  if (!(seeded instanceof Response) || seeded.status !== 204) {
    await fake.stop();
    throw new SanityFailure(`the fake music API did not start playing ${PLAYING_TRACK_URI}`);
  }
  return { fake, port };
}

/** POSTs a linked request and checks that it reached the fake upstream and answered with the playing track. */
async function expectLinkedAnswer(
  url: string,
  request: PreparedRequest,
  upstreamPort: number,
  what: string,
): Promise<string> {
  const before = await fakeUpstreamHits(upstreamPort);
  const answer = await post(url, request);
  const hits = (await fakeUpstreamHits(upstreamPort)) - before;
  const speech = speechOf(answer.text);
  if (hits !== 1 || answer.status !== 200 || speech === undefined || !speech.includes(PLAYING_TRACK_NAME)) {
    throw new SanityFailure(
      `${what}: expected 200 naming "${PLAYING_TRACK_NAME}" after one upstream call, got ${answer.status} ` +
        `after ${hits} call(s): ${snippet(answer.text)}`,
    );
  }
  return speech;
}

function referenceScenario(
  id: number,
  key: ScenarioKey,
  title: string,
  description: string,
  script: string,
  kind: RequestKind = 'launch',
): Scenario {
  const linked = kind !== 'launch';
  return {
    id,
    key,
    title,
    description,
    kind,
    signed: false,
    async start(ctx, rep) {
      const side: Record<string, ServerProcess> = {};
      let upstreamPort: number | undefined;
      if (linked) {
        const upstream = await startFakeUpstream(ctx);
        side.upstream = upstream.fake;
        upstreamPort = upstream.port;
      }
      const port = await freePort();
      const server = new ServerProcess({
        name: key,
        script: join(ctx.serversDir, script),
        env: {
          PORT: String(port),
          HOST: '127.0.0.1',
          NODE_ENV: 'production',
          ...(upstreamPort === undefined ? {} : { MUSIC_API_BASE_URL: `http://127.0.0.1:${upstreamPort}` }),
        },
        nodeArgs: nodeArgs(ctx, key),
        port,
        stdoutFile: stdoutFile(ctx, key, rep),
      });
      const stop = async (): Promise<void> => {
        await server.stop();
        for (const child of Object.values(side)) await child.stop();
      };
      const running: RunningServer = {
        server,
        url: `http://127.0.0.1:${port}/alexa`,
        metricsUrl: undefined,
        side,
        answer: undefined,
        requests: () => Promise.resolve(unsignedSource(kind)),
        stop,
      };
      try {
        await server.start();
        running.answer =
          upstreamPort === undefined
            ? await expectAnswer(running.url, unsignedSource(kind).next(), title, WELCOME_FRAGMENT)
            : await expectLinkedAnswer(running.url, unsignedSource(kind).next(), upstreamPort, title);
      } catch (error) {
        await stop();
        throw error;
      }
      return running;
    },
  };
}

interface ServiceSetup {
  verify: boolean;
  music: boolean;
  /** Share state through a redis-server of its own (REDIS_URL) instead of the pod's memory. */
  redis?: boolean;
  /**
   * Trace, sampling this share of the requests (OTEL_TRACES_SAMPLER=parentbased_traceidratio), exported over
   * OTLP http/protobuf with the SDK's batch defaults to an OTLP sink of its own (own process).
   */
  traceRatio?: number;
}

/** How long the sanity check waits for the first export of a fully sampled service (the batch delay is 5 s). */
const FIRST_EXPORT_WAIT_MS = 15_000;

/** The OTLP sink for one repetition (bench/servers/otlp-sink.ts). */
function otlpSink(ctx: BenchContext, port: number): ServerProcess {
  return new ServerProcess({
    name: 'otlp-sink',
    script: join(ctx.serversDir, 'otlp-sink.mjs'),
    env: { PORT: String(port) },
    port,
    stdoutFile: '/dev/null',
  });
}

/** Export requests and bytes the sink received. */
export async function otlpSinkStats(port: number): Promise<{ exports: number; bytes: number }> {
  return (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as { exports: number; bytes: number };
}

/** The key secret the benchmark's service uses with Redis (any 16+ characters). */
const BENCH_STATE_KEY_SECRET = 'bench-state-key-secret-0123456789';

/** A redis-server for one repetition: no persistence, on 127.0.0.1. */
function redisServer(port: number): ServerProcess {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new NotAvailableYet('redis-server is not installed (Debian package redis-server)');
  }
  return new ServerProcess({
    name: 'redis-server',
    command: 'redis-server',
    script: '',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    port,
    stdoutFile: '/dev/null',
  });
}

function serviceEnv(
  ctx: BenchContext,
  setup: ServiceSetup,
  ports: { port: number; metricsPort: number; musicPort?: number; redisPort?: number; otlpPort?: number },
): Record<string, string> {
  const env: Record<string, string> = {
    // Not `production`: production refuses the development certificate source the benchmark signs with; `test`
    // refuses ALEXA_VERIFY=false, which only `development` allows. Nothing else in the service depends on NODE_ENV
    // (LOG_FORMAT is set below, so development's pretty default does not apply).
    NODE_ENV: setup.verify ? 'test' : 'development',
    PORT: String(ports.port),
    HOST: '127.0.0.1',
    METRICS_PORT: String(ports.metricsPort),
    METRICS_HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ALEXA_SKILL_ID: DEFAULT_SKILL_ID,
    ALEXA_VERIFY: setup.verify ? 'true' : 'false',
  };
  if (setup.verify && ctx.certs) {
    env.ALEXA_CERT_SOURCE = `file:${ctx.certs.dir}`;
    env.ALEXA_TRUSTED_CA_FILE = ctx.certs.caFile;
    env.ALEXA_REPLAY_PROTECTION = ctx.options.replayProtection ? 'true' : 'false';
  }
  if (ports.musicPort !== undefined) env.MUSIC_API_BASE_URL = `http://127.0.0.1:${ports.musicPort}`;
  if (ports.redisPort !== undefined) {
    env.REDIS_URL = `redis://127.0.0.1:${ports.redisPort}/0`;
    env.STATE_KEY_SECRET = BENCH_STATE_KEY_SECRET;
  }
  if (ports.otlpPort !== undefined && setup.traceRatio !== undefined) {
    env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${ports.otlpPort}`;
    env.OTEL_SERVICE_NAME = 'skill-service-bench';
    env.OTEL_TRACES_SAMPLER = 'parentbased_traceidratio';
    env.OTEL_TRACES_SAMPLER_ARG = String(setup.traceRatio);
  }
  return env;
}

async function fakeUpstreamHits(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/__control/hits`);
  const { hits } = (await response.json()) as { hits: number };
  return hits;
}

function serviceScenario(
  id: number,
  key: ScenarioKey,
  title: string,
  description: string,
  kind: RequestKind,
  setup: ServiceSetup,
): Scenario {
  const signed = setup.verify || setup.music;
  return {
    id,
    key,
    title,
    description,
    kind,
    signed,
    async start(ctx, rep, options = {}) {
      const mainJs = join(ctx.dist, 'apps/skill-service/src/main.js');
      if (!existsSync(mainJs)) throw new SanityFailure(`${mainJs} is missing: run npm run build`);
      const signer = ctx.signer;
      if (signed && (!signer || !ctx.certs)) {
        throw new NotAvailableYet(ctx.signingUnavailable ?? 'request signing is not available');
      }
      const side: Record<string, ServerProcess> = {};
      const started: ServerProcess[] = [];
      const stop = async (): Promise<void> => {
        for (const child of started.reverse()) await child.stop();
      };
      try {
        let musicPort: number | undefined;
        if (setup.music) {
          const upstream = await startFakeUpstream(ctx);
          started.push(upstream.fake);
          side.upstream = upstream.fake;
          musicPort = upstream.port;
        }
        let redisPort: number | undefined;
        if (setup.redis) {
          redisPort = await freePort();
          const redis = redisServer(redisPort);
          await redis.start();
          started.push(redis);
          side.redis = redis;
        }
        let otlpPort: number | undefined;
        if (setup.traceRatio !== undefined) {
          otlpPort = await freePort();
          const sink = otlpSink(ctx, otlpPort);
          await sink.start();
          started.push(sink);
          side.collector = sink;
        }
        const port = await freePort();
        const metricsPort = await freePort();
        const spec: ServerSpec = {
          name: key,
          script: join(ctx.serversDir, 'service.mjs'),
          env: {
            ...serviceEnv(ctx, setup, { port, metricsPort, musicPort, redisPort, otlpPort }),
            BENCH_DIST: ctx.dist,
            ...ctx.imageRuntime.env,
            ...ctx.options.serviceEnv,
            ...options.env,
          },
          nodeArgs: [
            ...ctx.imageRuntime.nodeArgs,
            ...ctx.options.serviceNodeArgs,
            ...nodeArgs(ctx, key),
            ...(options.nodeArgs ?? []),
          ],
          port,
          stdoutFile: stdoutFile(ctx, key, rep),
          ipc: true,
        };
        const server = new ServerProcess(spec);
        await server.start();
        started.push(server);
        const url = `http://127.0.0.1:${port}/alexa`;
        const requests = (count: number): Promise<RequestSource> =>
          signed && signer ? signer.source(kind, count) : Promise.resolve(unsignedSource(kind));
        const running: RunningServer = {
          server,
          url,
          metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
          side,
          answer: undefined,
          requests,
          stop,
        };
        if (options.skipSanity) return running;
        if (setup.redis && (await scrapeMetric(running.metricsUrl!, 'state_store_up')) !== 1) {
          throw new SanityFailure(
            `${title}: the service did not connect to its redis-server (state_store_up != 1)`,
          );
        }
        if (setup.verify) {
          const unsigned = await post(url, unsignedSource(kind).next());
          if (unsigned.status === 200) {
            throw new NotAvailableYet(
              'request verification is not wired into the app yet (an unsigned request was answered 200)',
            );
          }
        }
        const probe = (await requests(1)).next();
        if (setup.music && musicPort !== undefined) {
          running.answer = await expectLinkedAnswer(url, probe, musicPort, title);
        } else {
          // The service's own handler answers (the music module greets linked users and sends an unlinked one
          // the link card): any well-formed answer passes; what it said is reported.
          running.answer = await expectAnswer(url, probe, title);
        }
        if (setup.traceRatio === 1 && otlpPort !== undefined) {
          const deadline = Date.now() + FIRST_EXPORT_WAIT_MS;
          while ((await otlpSinkStats(otlpPort)).exports === 0) {
            if (Date.now() > deadline) throw new SanityFailure(`${title}: no spans reached the OTLP sink`);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
        return running;
      } catch (error) {
        await stop();
        throw error;
      }
    },
  };
}

export const SCENARIOS: readonly Scenario[] = [
  referenceScenario(
    1,
    'ceiling',
    'ceiling: bare Fastify 5',
    'a bare Fastify 5 route answering every POST with a fixed Alexa response',
    'ceiling.mjs',
  ),
  referenceScenario(
    2,
    'official',
    'official: Express 5 + ExpressAdapter',
    'ask-sdk-express-adapter ExpressAdapter on Express 5, same LaunchRequest handler, both verifiers off',
    'official-adapter.mjs',
  ),
  serviceScenario(
    3,
    'service_unverified',
    'service, verification off',
    'this service (dist/), ALEXA_VERIFY=false, LaunchRequest; metrics and info-level logs on',
    'launch',
    { verify: false, music: false },
  ),
  serviceScenario(
    4,
    'service_signed',
    'service, full signed path',
    'this service, signed LaunchRequest, certificate cached, replay protection, metrics and info logs on',
    'launch',
    { verify: true, music: false },
  ),
  serviceScenario(
    7,
    'service_signed_redis',
    'service, full signed path, Redis store',
    'scenario 4 with REDIS_URL: replay protection claims each request ID in a redis-server (own process)',
    'launch',
    { verify: true, music: false, redis: true },
  ),
  referenceScenario(
    10,
    'handwritten_linked',
    'hand-written: Express 5 + ask-sdk + axios, WhatsPlayingIntent',
    'Express 5 + ExpressAdapter (verifiers off), WhatsPlayingIntent: one axios call (keep-alive agent) to the fake music API',
    'handwritten-linked.mjs',
    'whats-playing',
  ),
  serviceScenario(
    5,
    'service_linked',
    'service, linked WhatsPlayingIntent',
    'signed WhatsPlayingIntent with a linked token: one upstream call to the fake music API (own process)',
    'whats-playing',
    { verify: true, music: true },
  ),
  serviceScenario(
    8,
    'service_linked_traced_10',
    'service, linked WhatsPlayingIntent, 10 % traced',
    'scenario 5 with tracing on, 10 % of the requests sampled, exported over OTLP to a sink (own process)',
    'whats-playing',
    { verify: true, music: true, traceRatio: 0.1 },
  ),
  serviceScenario(
    9,
    'service_linked_traced_100',
    'service, linked WhatsPlayingIntent, 100 % traced',
    'scenario 5 with every request traced, exported over OTLP to a sink (own process)',
    'whats-playing',
    { verify: true, music: true, traceRatio: 1 },
  ),
];

/** The scenario-4 server, reused by the cold burst and the leak check. */
export const FULL_SIGNED = SCENARIOS.find((s) => s.key === 'service_signed')!;

/** Values of the series named `name` (any labels) on a Prometheus text page, summed; undefined when absent. */
export async function scrapeMetric(metricsUrl: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(metricsUrl)).text();
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
      total = (total ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

export async function scrapeVerificationMetrics(metricsUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const figures: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('alexa_verification_')) continue;
    const at = line.lastIndexOf(' ');
    const value = Number(line.slice(at + 1));
    if (value !== 0) figures[line.slice(0, at)] = value;
  }
  return figures;
}
