// One server under test = one child process on 127.0.0.1, so its CPU and memory can be read from /proc
// without the load generator's share.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { dirname } from 'node:path';

export interface ServerSpec {
  /** Short name, used in messages and log file names. */
  readonly name: string;
  /** Script run by this Node binary (a `.ts` file is type-stripped by Node 24, a `.js` file runs as is). */
  readonly script: string;
  /** Another executable to run instead of Node (then `script` is not used and `args` are its arguments). */
  readonly command?: string;
  readonly args?: readonly string[];
  /** Added to (and overriding) the parent's environment; the parent's NODE_OPTIONS is not inherited. */
  readonly env?: Readonly<Record<string, string>>;
  /** Node options for the child, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** The port to wait for before the server counts as started. */
  readonly port: number;
  /** Where the child's stdout goes (its log lines): a file path, or /dev/null. */
  readonly stdoutFile: string;
  /** Open an IPC channel (the service launcher answers statistics over it). */
  readonly ipc?: boolean;
}

/** Raised when a server does not come up; the message carries the end of its stderr. */
export class ServerStartError extends Error {
  override readonly name = 'ServerStartError';
}

const STDERR_KEEP = 8192;

export class ServerProcess {
  readonly spec: ServerSpec;
  private child: ChildProcess | undefined;
  private stderr = '';
  private exited: Promise<number | null> | undefined;
  private exitCode: number | null | undefined;

  constructor(spec: ServerSpec) {
    this.spec = spec;
  }

  get pid(): number {
    if (this.child?.pid === undefined) throw new Error(`${this.spec.name} is not running`);
    return this.child.pid;
  }

  /** Starts the process and resolves once its port accepts connections. */
  async start(timeoutMs = 30_000): Promise<void> {
    const { spec } = this;
    if (spec.stdoutFile !== '/dev/null') mkdirSync(dirname(spec.stdoutFile), { recursive: true });
    const stdout = openSync(spec.stdoutFile, 'w');
    const env: Record<string, string | undefined> = { ...process.env };
    delete env.NODE_OPTIONS; // not inherited; a spec may still set it
    Object.assign(env, spec.env);
    const [command, args] = spec.command
      ? [spec.command, [...(spec.args ?? [])]]
      : [process.execPath, [...(spec.nodeArgs ?? []), spec.script, ...(spec.args ?? [])]];
    const child = spawn(command, args, {
      env,
      stdio: ['ignore', stdout, 'pipe', ...(spec.ipc ? (['ipc'] as const) : [])],
    });
    closeSync(stdout);
    this.child = child;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEEP);
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      });
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exitCode !== undefined) {
        throw new ServerStartError(
          `${spec.name} exited with code ${this.exitCode} before listening:\n${this.stderrTail()}`,
        );
      }
      if (await canConnect(spec.port)) return;
      await sleep(50);
    }
    await this.stop();
    throw new ServerStartError(`${spec.name} did not listen on ${spec.port} within ${timeoutMs} ms`);
  }

  /** The last lines the server wrote to stderr. */
  stderrTail(): string {
    return this.stderr.trim().split('\n').slice(-20).join('\n') || '(no stderr output)';
  }

  /** Asks the child for a message over IPC (the service launcher answers `{ type: 'stats' }`). */
  request<T>(message: object, timeoutMs = 5000): Promise<T | undefined> {
    const child = this.child;
    if (!child?.send || !child.connected) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        resolve(undefined);
      }, timeoutMs);
      const onMessage = (reply: unknown): void => {
        clearTimeout(timer);
        resolve(reply as T);
      };
      child.once('message', onMessage);
      child.send(message);
    });
  }

  /** SIGTERM (graceful: a CPU profile, if asked for, is written on exit), SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<number | null | undefined> {
    const child = this.child;
    if (!child || this.exitCode !== undefined) return this.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** A port that was free a moment ago (bound to 0, read, released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
