import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Agent } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alexaRequest, DEFAULT_SKILL_ID } from '../../tools/alexa-request/envelope.ts';
import { type SigningIdentity, signRequest } from '../../tools/alexa-request/sign.ts';
import { ensureDevCerts, loadDevSigningIdentity } from '../../tools/dev-certs.ts';
import { type FakeMusicApi, startFakeMusicApi } from '../../tools/fake-music-api.ts';
import { type Exchange, exchange } from '../../tools/soak/http-client.ts';
import { freePort, ready, ServiceProcess } from '../../tools/soak/service-process.ts';
import { expectNoSecrets } from './support/secrets';

// Faults of the process itself, on the built service (dist/.../main.js, as the container runs it):
// SIGTERM under load with real sockets, and fatal errors that must end the process rather than leave it half-alive.

const root = join(__dirname, '../..');
const TOKEN = 'lifecycle-linked-token-6c1f';
const SHUTDOWN_TIMEOUT_MS = 5_000;
const CLIENTS = 24;

let identity: SigningIdentity;
let certEnv: Record<string, string>;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/apps/skill-service/src/main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  }
  const certs = await ensureDevCerts(join(tmpdir(), `alexa-reliability-lifecycle-certs-${process.pid}`));
  identity = await loadDevSigningIdentity(certs.dir);
  certEnv = {
    ALEXA_CERT_SOURCE: `file:${certs.dir}`,
    ALEXA_TRUSTED_CA_FILE: certs.caFile,
    ALEXA_SKILL_ID: DEFAULT_SKILL_ID,
  };
});

/** Every signature sent, to search the service's output for. */
const signatures: string[] = [];

/** A signed "what's playing" for the linked user: one upstream call, held by the fake API until released. */
function whatsPlaying(): { body: string; headers: Record<string, string> } {
  const body = alexaRequest().intent('WhatsPlayingIntent').linked(TOKEN).body();
  const signature = signRequest(body, identity);
  signatures.push(signature['Signature-256']);
  return { body, headers: { 'content-type': 'application/json', ...signature } };
}

describe('SIGTERM under load (real process, real sockets)', () => {
  let music: FakeMusicApi;
  let service: ServiceProcess;

  beforeAll(async () => {
    music = await startFakeMusicApi({ tokens: [TOKEN], control: false });
    service = await ServiceProcess.start({
      root,
      env: {
        ...certEnv,
        MUSIC_API_BASE_URL: music.url,
        // The upstream is held by the test, not slow: no attempt may time out while it holds.
        MUSIC_API_ATTEMPT_TIMEOUT_MS: '6000',
        MUSIC_API_TOTAL_BUDGET_MS: '6500',
        PROGRESSIVE_RESPONSE_DELAY_MS: '8000',
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await music?.close();
  });

  it('turns readiness false while requests are in flight, completes them all, refuses new connections, exits 0 in time', async () => {
    const port = service.port;
    expect((await exchange({ port, method: 'GET', path: '/health/ready' })).status).toBe(200);

    // Every upstream call waits until the test releases it, so "in flight at SIGTERM" is a fact, not a timing.
    music.behave({ mode: 'held' });
    const upstreamReceived = async (count: number): Promise<void> => {
      while (music.hits() < count) await music.nextRequest();
    };
    // 24 clients on keep-alive sockets, each sending its next request the moment the last one is answered.
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    const results: Exchange[] = [];
    let stopping = false;
    const client = async (): Promise<void> => {
      for (;;) {
        const result = await exchange({ port, agent, ...whatsPlaying() });
        results.push(result);
        if (stopping && result.status !== 200) return;
      }
    };
    const clients = Array.from({ length: CLIENTS }, () => client());
    // One round answered, so the next round travels on kept-alive sockets; that round is in the handlers.
    await upstreamReceived(CLIENTS);
    music.release();
    await upstreamReceived(2 * CLIENTS);

    const sigtermAt = performance.timeOrigin + performance.now();
    service.signal('SIGTERM');
    stopping = true;
    // Signals arrive asynchronously: probe readiness until it stops answering 200 (the process took the signal),
    // then once more to see it stays that way. Every request is still held meanwhile, so this is the drain.
    let readiness = await exchange({ port, method: 'GET', path: '/health/ready', timeoutMs: 2_000 });
    while (
      readiness.status === 200 &&
      performance.timeOrigin + performance.now() - sigtermAt < SHUTDOWN_TIMEOUT_MS
    ) {
      readiness = await exchange({ port, method: 'GET', path: '/health/ready', timeoutMs: 2_000 });
    }
    const readinessAgain = await exchange({ port, method: 'GET', path: '/health/ready', timeoutMs: 2_000 });
    const answeredWhileHeld = results.length;
    // Now the upstream answers (reset first, so a request still on its way is not held again).
    music.reset();
    music.release();
    const exit = await service.exited;
    await Promise.all(clients);
    agent.destroy();
    const after = await exchange({ port, method: 'GET', path: '/health/live' });

    // Readiness: never "ready" again once SIGTERM arrived (503 while draining, or no listener at all), and not
    // ready any more while every in-flight request was still waiting for the upstream.
    expect([503, 'ECONNREFUSED', 'ECONNRESET']).toContain(readiness.status ?? readiness.error);
    expect([503, 'ECONNREFUSED', 'ECONNRESET']).toContain(readinessAgain.status ?? readinessAgain.error);
    expect(answeredWhileHeld).toBe(CLIENTS); // the first round only: the second was still in the handlers

    // In flight: every request sent before SIGTERM (one per client, each inside a handler) completes with a
    // valid envelope. No socket was idle at SIGTERM, so no request can meet the keep-alive race the preStop
    // sleep exists for.
    const started = results.filter((r) => r.sentAt < sigtermAt);
    const inFlight = started.filter((r) => r.doneAt > sigtermAt);
    expect(inFlight).toHaveLength(CLIENTS);
    for (const r of started) {
      expect({ status: r.status, error: r.error }).toEqual({ status: 200, error: undefined });
      expect(JSON.parse(r.body)).toMatchObject({
        version: '1.0',
        response: { outputSpeech: { type: 'SSML' } },
      });
    }
    // Sent after SIGTERM: answered (a request already on its way), 503 on a kept-alive socket, or refused.
    const late = results.filter((r) => r.sentAt >= sigtermAt);
    for (const r of late) {
      expect([200, 503, 'ECONNREFUSED', 'ECONNRESET', 'socket hang up', 'EPIPE']).toContain(
        r.status ?? r.error,
      );
    }
    expect(results.some((r) => r.status === 500 || r.error === 'timeout')).toBe(false);

    // The process: exit code 0, after the in-flight requests, within the grace period.
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - sigtermAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(after.error).toBe('ECONNREFUSED');

    const logs = service.lines.join('\n');
    expect(logs).toContain('SIGTERM received: draining');
    expect(logs).toContain('drained: exiting');
    expectNoSecrets(logs, [TOKEN, ...signatures]);
    const tally = (list: Exchange[]): string =>
      [...new Set(list.map((r) => String(r.status ?? r.error)))]
        .map((key) => `${list.filter((r) => String(r.status ?? r.error) === key).length}x ${key}`)
        .join(', ') || 'none';
    process.stderr.write(
      `[lifecycle] SIGTERM under load: readiness ${readiness.status ?? readiness.error}; ${inFlight.length} in flight -> ${tally(inFlight)}; after -> ${tally(late)}; exit ${exit.code} after ${Math.round(exit.at - sigtermAt)} ms\n`,
    );
  });
});

describe('fatal errors (real process)', () => {
  const preload = join(__dirname, 'support/fatal-trigger.cjs');

  it.each([
    ['exception', 'uncaught exception: planted uncaught exception'],
    ['rejection', 'unhandled rejection: planted unhandled rejection'],
  ])('logs an uncaught %s and exits non-zero at once, no longer listening', async (mode, message) => {
    const service = await ServiceProcess.start({
      root,
      env: { ...certEnv, FATAL_MODE: mode, MUSIC_API_BASE_URL: 'http://127.0.0.1:9' },
      nodeArgs: ['--require', preload],
    });
    try {
      expect((await exchange({ port: service.port, method: 'GET', path: '/health/live' })).status).toBe(200);
      service.signal('SIGUSR2');
      // The exit event itself: 70 is the fatal-error path (a drain would end 0 or 1), so nothing was drained.
      const exit = await service.exited;
      expect(exit.code).not.toBe(0);
      expect(exit.code).toBe(70); // EX_SOFTWARE: Kubernetes restarts the container
      const line = service.entries().find((e) => e.msg === message);
      expect(line).toMatchObject({ level: 50, context: 'Process' });
      expect((await exchange({ port: service.port, method: 'GET', path: '/health/live' })).error).toBe(
        'ECONNREFUSED',
      );
    } finally {
      await service.stop();
    }
  });
});

describe('start-up refusals (real process)', () => {
  /**
   * Starts the built service and resolves with its exit code and output once it exits, or with `listening` (and
   * stops it) once it answers readiness: a refused start never listens.
   */
  async function startUp(
    env: Record<string, string>,
  ): Promise<{ exit: number | 'listening'; lines: string[] }> {
    const port = Number(env.PORT ?? (await freePort()));
    const child = spawn(process.execPath, [join(root, 'dist/apps/skill-service/src/main.js')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', METRICS_PORT: '0', HOST: '127.0.0.1', ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
    let listening = false;
    void (async () => {
      while (child.exitCode === null && !listening) listening = await ready(port, 500);
      if (listening) child.kill('SIGTERM');
    })();
    const code = await exited;
    return { exit: listening ? 'listening' : code, lines: output.split('\n').filter(Boolean) };
  }

  /** The one line a refusal writes, parsed (fails when there is anything else, or it is not JSON). */
  function onlyLine(lines: string[]): Record<string, unknown> {
    expect(lines).toHaveLength(1);
    return JSON.parse(lines[0]) as Record<string, unknown>;
  }

  const production = { NODE_ENV: 'production', ALEXA_SKILL_ID: DEFAULT_SKILL_ID };

  it.each([
    [{ ...production, ALEXA_TRUSTED_CA_FILE: '/certs/dev-ca.pem' }, 'ALEXA_TRUSTED_CA_FILE'],
    [{ ...production, ALEXA_REPLAY_PROTECTION: 'false' }, 'ALEXA_REPLAY_PROTECTION'],
    [{ ...production, ALEXA_VERIFY: 'false' }, 'ALEXA_VERIFY'],
    [{ NODE_ENV: 'production' }, 'ALEXA_SKILL_ID'],
    [{ NODE_ENV: 'test', ALEXA_VERIFY: 'false' }, 'ALEXA_VERIFY'],
    [{ NODE_ENV: 'test', SHUTDOWN_TIMEOUT_MS: 'soon' }, 'SHUTDOWN_TIMEOUT_MS'],
  ])('refuses %j with exit code 78 and one JSON line naming %s', async (env, variable) => {
    const { exit, lines } = await startUp(env);
    expect(exit).toBe(78);
    const line = onlyLine(lines);
    expect(line).toMatchObject({ level: 60, context: 'Configuration', variables: [variable] });
    expect(line.msg).toContain(`${variable}:`);
    expect(JSON.stringify(line)).not.toContain('stack');
  });

  it('reports a start-up failure that is not configuration (port in use) with exit code 1 and one JSON line', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { exit, lines } = await startUp({ ...certEnv, NODE_ENV: 'test', PORT: String(port) });
      expect(exit).toBe(1);
      const failure = lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.level === 60);
      expect(failure).toHaveLength(1);
      expect(failure[0]).toMatchObject({ context: 'Bootstrap', msg: expect.stringContaining('EADDRINUSE') });
    } finally {
      blocker.close();
    }
  });
});
