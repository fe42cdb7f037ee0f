// The built service (dist/apps/skill-service/src/main.js, the file the container runs) as a child process on
// 127.0.0.1, for the soak and for the reliability tests that need a real process: signals, exit codes, sockets.
// Erasable TypeScript: Node 24 runs it directly and Jest imports it.
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface ServiceProcessOptions {
  /** The repository root (where `dist/` is). */
  readonly root: string;
  /** Environment on top of a minimal one (PATH, HOME); PORT and METRICS_PORT are chosen here. */
  readonly env: Readonly<Record<string, string>>;
  /** Node flags before the entry point, e.g. `['--require', preload]`. */
  readonly nodeArgs?: readonly string[];
  /** @default 20000 */
  readonly startTimeoutMs?: number;
  /** Keep every output line in `lines` (tests); otherwise only the last 200. @default true */
  readonly keepOutput?: boolean;
  /** Called with every output line (e.g. to count log levels during a soak). */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface ServiceExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** When the process exited (ms since epoch). */
  readonly at: number;
}

/** One running service process. */
export class ServiceProcess {
  readonly port: number;
  readonly metricsPort: number;
  readonly child: ChildProcess;
  /** Output lines, stdout and stderr interleaved as they arrived. */
  readonly lines: string[];
  readonly exited: Promise<ServiceExit>;

  private constructor(
    port: number,
    metricsPort: number,
    child: ChildProcess,
    lines: string[],
    exited: Promise<ServiceExit>,
  ) {
    this.port = port;
    this.metricsPort = metricsPort;
    this.child = child;
    this.lines = lines;
    this.exited = exited;
  }

  /** Starts the service and resolves once its readiness probe answers 200. */
  static async start(options: ServiceProcessOptions): Promise<ServiceProcess> {
    const [port, metricsPort] = await Promise.all([freePort(), freePort()]);
    const entry = join(options.root, 'dist/apps/skill-service/src/main.js');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      LOG_FORMAT: 'json',
      HOST: '127.0.0.1',
      METRICS_HOST: '127.0.0.1',
      ...options.env,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
    };
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), entry], {
      cwd: options.root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = options.keepOutput ?? true;
    const lines: string[] = [];
    const exited = new Promise<ServiceExit>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      child[stream]?.setEncoding('utf8');
      child[stream]?.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) {
          if (line === '') continue;
          lines.push(line);
          if (!keep && lines.length > 200) lines.shift();
          options.onLine?.(line, stream);
        }
      });
    }
    // Started = readiness answers 200 (log lines may be written in batches, so they are no signal).
    let exitedEarly = false;
    void exited.then(() => (exitedEarly = true));
    const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
    while (!(await ready(port))) {
      if (exitedEarly || Date.now() > deadline) {
        child.kill('SIGKILL');
        await exited;
        throw new Error(
          `service ${exitedEarly ? 'exited' : 'did not get ready'} before listening:\n${lines.slice(-20).join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return new ServiceProcess(port, metricsPort, child, lines, exited);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited after `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<ServiceExit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** `GET /metrics` from the management port, as text. */
  async metrics(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`);
    return res.text();
  }

  /** Log lines parsed as JSON (non-JSON lines skipped). */
  entries(): Array<Record<string, unknown>> {
    const parsed: Array<Record<string, unknown>> = [];
    for (const line of this.lines) {
      try {
        parsed.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // pino-pretty or a stray stderr line
      }
    }
    return parsed;
  }
}

/** Whether `GET /health/ready` answers 200 (a fresh connection, a short timeout). */
export function ready(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/health/ready', agent: false, timeout: timeoutMs },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** A port that was free a moment ago (bound to 0, read, released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}
