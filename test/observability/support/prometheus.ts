import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { untilFound } from '../../support/until';

// A real Prometheus (the Debian package's binary) on 127.0.0.1 for one test file: temporary config and
// TSDB, a free port, and a shutdown that never hangs (SIGTERM, then SIGKILL; also on process exit).

/** Prometheus has no push API for its own state (readiness, scrapes, rule evaluations): its HTTP API is read. */
const POLL_MS = 100;

export interface ScrapeTarget {
  job: string;
  /** host:port of the management server. */
  address: string;
  /** Static target labels, standing in for what the ServiceMonitor adds (namespace, pod, service...). */
  labels: Record<string, string>;
}

export interface PrometheusOptions {
  binary: string;
  /** The first is the service: scrapeAfter() and lastScrape() follow its job. */
  targets: readonly [ScrapeTarget, ...ScrapeTarget[]];
  /** @default '1s' */
  scrapeInterval?: string;
  /** Prometheus rule files (recording and alerting rules), evaluated every evaluationInterval. */
  ruleFiles?: readonly string[];
  /** @default '1s' */
  evaluationInterval?: string;
}

/** An alert as /api/v1/alerts lists it. */
export interface ActiveAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  value: string;
}

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export type QueryData =
  | { resultType: 'vector'; result: Sample[] }
  | { resultType: 'scalar' | 'string'; result: [number, string] }
  | { resultType: 'matrix'; result: Array<{ metric: Record<string, string>; values: [number, string][] }> };

export interface QueryAnswer {
  status: 'success' | 'error';
  data?: QueryData;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

export class PrometheusServer {
  private readonly log: string[] = [];
  private exited: Promise<void>;
  private readonly killOnExit = () => this.child.kill('SIGKILL');

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly dir: string,
    readonly job: string,
  ) {
    const keep = (chunk: Buffer) => {
      this.log.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (this.log.length > 400) this.log.splice(0, this.log.length - 400);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    process.once('exit', this.killOnExit);
  }

  /** Starts Prometheus and waits until it is ready (a few tries on another port if the first is taken). */
  static async start(options: PrometheusOptions): Promise<PrometheusServer> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const dir = mkdtempSync(join(tmpdir(), 'skill-prometheus-'));
      const port = await freePort();
      const config = join(dir, 'prometheus.yml');
      // YAML is a superset of JSON.
      writeFileSync(
        config,
        JSON.stringify({
          global: {
            scrape_interval: options.scrapeInterval ?? '1s',
            scrape_timeout: '1s',
            evaluation_interval: options.evaluationInterval ?? '1s',
          },
          rule_files: options.ruleFiles ?? [],
          scrape_configs: options.targets.map((target) => ({
            job_name: target.job,
            metrics_path: '/metrics',
            static_configs: [{ targets: [target.address], labels: target.labels }],
          })),
        }),
      );
      const child = spawn(
        options.binary,
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--storage.tsdb.retention.time=1h',
          '--log.level=warn',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const server = new PrometheusServer(child, `http://127.0.0.1:${port}`, dir, options.targets[0].job);
      try {
        await server.waitUntilReady(20_000);
        return server;
      } catch (error) {
        lastError = error;
        await server.stop();
      }
    }
    throw lastError;
  }

  /** The last lines Prometheus logged (for failure messages). */
  logs(): string {
    return this.log.slice(-40).join('\n');
  }

  async query(expr: string, time?: number): Promise<QueryAnswer> {
    const params = new URLSearchParams({ query: expr });
    if (time !== undefined) params.set('time', time.toFixed(3));
    return this.get(`/api/v1/query?${params.toString()}`) as Promise<QueryAnswer>;
  }

  /** Label sets of the series a selector matches in [start, end] (Unix seconds). */
  async series(match: string, start: number, end: number): Promise<Array<Record<string, string>>> {
    const params = new URLSearchParams({ 'match[]': match, start: String(start), end: String(end) });
    const answer = (await this.get(`/api/v1/series?${params.toString()}`)) as {
      status: string;
      data?: unknown;
      error?: string;
    };
    if (answer.status !== 'success') throw new Error(`series ${match}: ${answer.error}`);
    return answer.data as Array<Record<string, string>>;
  }

  /** One number: the first sample of an instant query (throws on anything else). */
  async value(expr: string, time?: number): Promise<number> {
    const answer = await this.query(expr, time);
    const data = answer.data;
    if (answer.status !== 'success' || !data) throw new Error(`${expr}: ${answer.error}`);
    if (data.resultType === 'scalar') return Number(data.result[1]);
    if (data.resultType === 'vector' && data.result.length === 1) return Number(data.result[0].value[1]);
    throw new Error(`${expr}: expected one sample, got ${JSON.stringify(data.result)}`);
  }

  /** Timestamp (Unix seconds, ms precision) of the newest scrape of the target, or 0 before the first. */
  async lastScrape(): Promise<number> {
    const answer = await this.query(`timestamp(up{job="${this.job}"})`);
    const data = answer.data;
    if (data?.resultType !== 'vector' || data.result.length === 0) return 0;
    return Number(data.result[0].value[1]);
  }

  /**
   * Waits for a successful scrape that STARTED after the given moment (scrape samples carry the scrape's start
   * time), and returns that scrape's timestamp in Unix seconds. A failed scrape (up=0, e.g. a timeout on a
   * loaded machine) is passed over: the next successful one counts.
   */
  async scrapeAfter(epochSeconds: number, timeoutMs = 15_000): Promise<number> {
    let after = epochSeconds;
    let failed = 0;
    return untilFound(
      async () => {
        const at = await this.lastScrape();
        if (at <= after) return undefined;
        if ((await this.value(`up{job="${this.job}"}`, at)) === 1) return at;
        failed++;
        after = at;
        return undefined;
      },
      {
        what: `a successful scrape after ${epochSeconds}`,
        timeoutMs,
        intervalMs: POLL_MS,
        detail: () => `${failed} failed\n${this.logs()}`,
      },
    );
  }

  /**
   * Waits until every rule group has been evaluated at a moment after the given one (Unix seconds), and returns
   * the latest of those moments. Rule groups that do not load make Prometheus refuse to start, so an empty list
   * means no rule files.
   */
  async rulesEvaluatedAfter(epochSeconds: number, timeoutMs = 15_000): Promise<number> {
    return untilFound(
      async () => {
        const answer = (await this.get('/api/v1/rules')) as {
          data?: {
            groups: Array<{
              name: string;
              lastEvaluation: string;
              rules: Array<{ health: string; lastError?: string }>;
            }>;
          };
        };
        const groups = answer.data?.groups ?? [];
        const broken = groups.flatMap((g) =>
          g.rules.filter((r) => r.health === 'err').map((r) => r.lastError),
        );
        if (broken.length > 0) throw new Error(`rules fail to evaluate: ${broken.join('; ')}`);
        const times = groups.map((g) => Date.parse(g.lastEvaluation) / 1000);
        return groups.length > 0 && times.every((t) => t > epochSeconds) ? Math.max(...times) : undefined;
      },
      {
        what: `rules evaluated after ${epochSeconds}`,
        timeoutMs,
        intervalMs: POLL_MS,
        detail: () => this.logs(),
      },
    );
  }

  /** The alerts pending or firing now. */
  async alerts(): Promise<ActiveAlert[]> {
    const answer = (await this.get('/api/v1/alerts')) as { data?: { alerts: ActiveAlert[] } };
    return answer.data?.alerts ?? [];
  }

  /** SIGTERM, then SIGKILL after 5 s; never waits more than ~7 s; removes the temporary files. */
  async stop(): Promise<void> {
    process.removeListener('exit', this.killOnExit);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      if (!(await settles(this.exited, 5_000))) {
        this.child.kill('SIGKILL');
        await settles(this.exited, 2_000);
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    await untilFound(
      async () => {
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
          throw new Error(
            `prometheus exited (${this.child.exitCode ?? this.child.signalCode})\n${this.logs()}`,
          );
        }
        try {
          const res = await fetch(`${this.url}/-/ready`, { signal: AbortSignal.timeout(1000) });
          return res.ok ? true : undefined;
        } catch {
          return undefined; // not listening yet
        }
      },
      { what: 'prometheus ready', timeoutMs, intervalMs: POLL_MS, detail: () => this.logs() },
    );
  }

  private async get(path: string): Promise<unknown> {
    const res = await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(5000) });
    return res.json();
  }
}

async function settles(promise: Promise<void>, ms: number): Promise<boolean> {
  const timer = sleep(ms, false, { ref: false });
  return Promise.race([promise.then(() => true), timer]);
}

/** A port nobody listens on right now (Prometheus binds it a moment later; start() retries if lost). */
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
