import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { ShutdownState } from '@lib/service-runtime';
import { tmpdir } from 'node:os';
import { alexaRequest, DEFAULT_SKILL_ID } from '../../tools/alexa-request/envelope.ts';
import { type SigningIdentity, signRequest } from '../../tools/alexa-request/sign.ts';
import { ensureDevCerts, loadDevSigningIdentity } from '../../tools/dev-certs.ts';
import { createTestApp } from '../support/test-app';

const root = join(__dirname, '../..');

interface Started {
  child: ChildProcess;
  port: number;
  output: string[];
  exit: Promise<number | null>;
  /** Resolves when the slow handler has started (the server prints a line). */
  handling(): Promise<void>;
}

const certsDir = join(tmpdir(), `alexa-skill-drain-certs-${process.pid}`);
let identity: SigningIdentity;

/** A signed SlowIntent request, exactly as Amazon would send it. */
function slowRequest(): { body: string; headers: Record<string, string> } {
  const body = alexaRequest().intent('SlowIntent').body();
  return { body, headers: { ...signRequest(body, identity) } };
}

async function start(env: Record<string, string>): Promise<Started> {
  const certs = await ensureDevCerts(certsDir);
  identity = await loadDevSigningIdentity(certsDir);
  const child = spawn(process.execPath, [join(root, 'test/support/slow-skill-server.cjs')], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_FORMAT: 'json',
      PORT: '0',
      METRICS_PORT: '0',
      ALEXA_CERT_SOURCE: `file:${certs.dir}`,
      ALEXA_TRUSTED_CA_FILE: certs.caFile,
      ALEXA_SKILL_ID: DEFAULT_SKILL_ID,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output.join('')}`)), 15_000);
    child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      output.push(d.toString());
      const match = /\{"listening":(\d+)\}/.exec(d.toString());
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]), output, exit, handling: () => handlerStarted(child) });
      }
    });
  });
}

function handlerStarted(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    let seen = ''; // the line may arrive split over two chunks
    const onData = (d: Buffer): void => {
      seen += d.toString();
      if (!seen.includes('{"handling":"SlowIntent"}')) return;
      child.stdout?.off('data', onData);
      resolve();
    };
    child.stdout?.on('data', onData);
  });
}

function post(
  port: number,
  signed: { body: string; headers: Record<string, string> },
): Promise<{ status: number; body: string }> {
  const { body, headers } = signed;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/alexa',
        headers: { 'content-type': 'application/json', ...headers },
        agent: false,
      },
      (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function getStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

describe('graceful shutdown of a real process', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist/apps/skill-service/src/bootstrap.js'))) {
      throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    }
  });

  it('on SIGTERM finishes the in-flight request, refuses new connections, and exits 0', async () => {
    const server = await start({ SHUTDOWN_TIMEOUT_MS: '10000', SLOW_MS: '1500' });
    expect(await getStatus(server.port, '/health/ready')).toBe(200);

    const inside = server.handling();
    const inFlight = post(server.port, slowRequest());
    await inside;
    server.child.kill('SIGTERM');

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).response.outputSpeech.ssml).toBe('<speak>finally done</speak>');
    expect(await server.exit).toBe(0);
    await expect(getStatus(server.port, '/health/live')).rejects.toThrow(/ECONNREFUSED/);
    expect(server.output.join('')).toContain('SIGTERM received: draining');
  });

  it('exits 1 when the drain outlasts SHUTDOWN_TIMEOUT_MS', async () => {
    const server = await start({ SHUTDOWN_TIMEOUT_MS: '500', SLOW_MS: '5000' });
    const inside = server.handling();
    const inFlight = post(server.port, slowRequest()).catch((e: Error) => e);
    await inside;
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(1);
    expect(server.output.join('')).toContain('drain did not finish within 500 ms');
    await inFlight;
  });
});

describe('readiness', () => {
  it('reports 503 "draining" once shutdown has begun, while liveness stays up', async () => {
    const t = await createTestApp();
    try {
      expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
      // What the SIGTERM handler does first, before the server stops accepting.
      t.app.get(ShutdownState).beginShutdown();
      const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().error.lifecycle).toEqual({ status: 'down', state: 'draining' });
      expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
