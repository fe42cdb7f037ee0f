import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { portInUse } from '../../tools/port-holder.ts';
import { REPO_ROOT, runTool, shellEnv } from './run-tool';

// tools/demo.sh as a person runs it, with its real children (the built service and the fake music API) on
// ports of its own. The first start may build the service; later starts reuse dist/.

const START_TIMEOUT_MS = 240_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

class Demo {
  output = '';
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;

  private constructor(
    readonly child: ChildProcess,
    readonly ports: { PORT: string; METRICS_PORT: string; MUSIC_PORT: string },
  ) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    this.exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  }

  /** Starts the demo in a process group of its own, as a terminal's foreground job is. */
  static async start(): Promise<Demo> {
    const ports = {
      PORT: String(await freePort()),
      METRICS_PORT: String(await freePort()),
      MUSIC_PORT: String(await freePort()),
    };
    const child = spawn('bash', ['tools/demo.sh'], {
      cwd: REPO_ROOT,
      env: shellEnv(ports),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const demo = new Demo(child, ports);
    await demo.printed(/skill endpoint listening on/);
    return demo;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves once the output matches; fails if the demo ends first. */
  printed(pattern: RegExp): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(this.output)) return;
        cleanup();
        resolve();
      };
      const ended = (): void => {
        cleanup();
        reject(new Error(`the demo ended before printing ${pattern}:\n${this.output}`));
      };
      const cleanup = (): void => {
        this.child.stdout!.off('data', check);
        this.child.stderr!.off('data', check);
        this.child.off('exit', ended);
      };
      this.child.stdout!.on('data', check);
      this.child.stderr!.on('data', check);
      this.child.once('exit', ended);
      check();
    });
  }

  /** Whether any process of the demo's group (the script and everything it started) is still there. */
  groupAlive(): boolean {
    try {
      process.kill(-this.pid, 0);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw error;
    }
  }

  async portsInUse(): Promise<string[]> {
    const busy: string[] = [];
    for (const [name, port] of Object.entries(this.ports)) if (await portInUse(Number(port))) busy.push(name);
    return busy;
  }

  /** Whatever happens in a test: nothing of this demo outlives it. */
  kill(): void {
    if (this.groupAlive()) process.kill(-this.pid, 'SIGKILL');
  }
}

describe('the local demo (bash tools/demo.sh)', () => {
  let demo: Demo | undefined;

  afterEach(() => demo?.kill());

  it(
    'stops the service (after its drain) and the fake API when the script gets SIGTERM, and frees its ports',
    async () => {
      demo = await Demo.start();
      expect(await demo.portsInUse()).toEqual(['PORT', 'METRICS_PORT', 'MUSIC_PORT']);
      process.kill(demo.pid, 'SIGTERM');
      expect(await demo.exited).toEqual([143, null]);
      expect(demo.output).toMatch(/SIGTERM received: draining/);
      expect(demo.output).toMatch(/drained: exiting/);
      expect(demo.groupAlive()).toBe(false);
      expect(await demo.portsInUse()).toEqual([]);
    },
    START_TIMEOUT_MS,
  );

  it(
    'stops everything on Ctrl-C (SIGINT to its process group), the service after its drain',
    async () => {
      demo = await Demo.start();
      process.kill(-demo.pid, 'SIGINT');
      expect(await demo.exited).toEqual([130, null]);
      expect(demo.output).toMatch(/SIG(INT|TERM) received: draining/);
      expect(demo.output).toMatch(/drained: exiting/);
      expect(demo.groupAlive()).toBe(false);
      expect(await demo.portsInUse()).toEqual([]);
    },
    START_TIMEOUT_MS,
  );

  it(
    'stops everything when only the script gets SIGINT (kill -INT)',
    async () => {
      demo = await Demo.start();
      process.kill(demo.pid, 'SIGINT');
      expect(await demo.exited).toEqual([130, null]);
      expect(demo.output).toMatch(/drained: exiting/);
      expect(demo.groupAlive()).toBe(false);
      expect(await demo.portsInUse()).toEqual([]);
    },
    START_TIMEOUT_MS,
  );

  it(
    'names the running demo and its processes when a second demo is started on the same ports',
    async () => {
      demo = await Demo.start();
      const second = await runTool('bash', ['tools/demo.sh'], shellEnv(demo.ports));
      expect(second.code).toBe(1);
      const said = second.stderr.split('\n').filter((line) => line.startsWith('port '));
      expect(said).toHaveLength(3);
      for (const [line, port] of said.map((l, i) => [l, Object.values(demo!.ports)[i]])) {
        expect(line).toMatch(
          new RegExp(
            `^port ${port} is in use by PID \\d+ \\((node dist/apps/skill-service/src/main\\.js|node tools/fake-music-api\\.ts [^)]*)\\), ` +
              `started by a demo that is still running \\(PID ${demo.pid}, bash tools/demo\\.sh\\): ` +
              `stop it with Ctrl-C in its terminal or kill ${demo.pid}$`,
          ),
        );
      }
      expect(second.stderr).toContain('demo: not started: the ports above are taken');
      // The second demo started nothing: the first one still serves.
      const ready = await fetch(`http://127.0.0.1:${demo.ports.PORT}/health/ready`);
      expect(ready.status).toBe(200);
      process.kill(demo.pid, 'SIGTERM');
      expect(await demo.exited).toEqual([143, null]);
    },
    START_TIMEOUT_MS,
  );
});
