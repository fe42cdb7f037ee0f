// A real redis-server (Debian package redis-server) on 127.0.0.1 as a child process, for the shared-state tests
// and the scale-out fault run: start it on a free port, kill it, restart it on the same port, freeze and thaw it.
// Erasable TypeScript: Node 24 runs it directly and Jest imports it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './soak/service-process.ts';

/** The apt line that provides `redis-server` (Debian 12: Redis 7.0). */
export const REDIS_APT = 'apt-get update && apt-get install -y --no-install-recommends redis-server';

/** Whether `redis-server` can run here. */
export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

/** One redis-server without persistence, that can be killed (SIGKILL), restarted, frozen (SIGSTOP) and thawed. */
export class RedisServer {
  readonly port: number;
  private process: ChildProcess | undefined;

  private constructor(port: number) {
    this.port = port;
  }

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
      const onExit = (code: number | null): void =>
        reject(new Error(`redis-server exited (${code}) before accepting connections:\n${output}`));
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (!output.includes('Ready to accept connections')) return;
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        resolve();
      };
      child.stdout?.on('data', onData);
      child.once('exit', onExit);
    });
    child.stdout?.resume();
    child.stderr?.resume();
  }

  /** SIGKILL: connections drop at once, as when a Redis node dies. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP: the server stops answering while its connections stay open (a Redis that is stuck or slow). */
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
