import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** The apt line that provides `redis-server` (Debian 12: Redis 7.0). */
export const REDIS_APT = 'apt-get update && apt-get install -y --no-install-recommends redis-server';
/** Set to 1 (CI) to fail instead of skipping when redis-server is missing. */
const REQUIRE_ENV = 'STATE_REQUIRE_REDIS';

/**
 * `describe` when `redis-server` can run here; otherwise `describe.skip` with a banner nobody can miss (or a
 * failure when STATE_REQUIRE_REDIS=1, as in CI).
 */
export function describeWithRedis(): jest.Describe {
  if (spawnSync('redis-server', ['--version']).status === 0) return describe;
  const message = `redis-server is not on PATH: the shared-state suites are SKIPPED. Install it: ${REDIS_APT}`;
  if (process.env[REQUIRE_ENV] === '1') throw new Error(`${message} (${REQUIRE_ENV}=1)`);
  const bar = '#'.repeat(100);
  console.warn(`\n${bar}\n# ${message}\n${bar}\n`);
  return describe.skip;
}

/**
 * A real `redis-server` on 127.0.0.1 and a free port, without persistence, that a test can kill, restart on the
 * same port, or freeze (SIGSTOP: connections stay open, nothing answers) and thaw.
 */
export class RedisServer {
  private process: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  /** Starts the server (again) on its port; resolves once it accepts connections. */
  async restart(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.process = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          child.stdout.off('data', onData);
          child.off('exit', onExit);
          resolve();
        }
      };
      const onExit = (code: number | null) =>
        reject(new Error(`redis-server exited (${code}) before accepting connections:\n${output}`));
      child.stdout.on('data', onData);
      child.once('exit', onExit);
    });
    child.stdout.resume();
    child.stderr.resume();
  }

  /** SIGKILL: connections drop at once, as when a Redis node dies. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP: the server stops answering but its connections stay open (a Redis that is slow or stuck). */
  freeze(): void {
    this.process?.kill('SIGSTOP');
  }

  thaw(): void {
    this.process?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    this.thaw();
    await this.kill();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
