// Two pods of the built service (dist/apps/skill-service/src/main.js, as the container runs it), each its own
// process on 127.0.0.1 with the same configuration, behind one client: for the shared-state tests and the
// scale-out fault run. Erasable TypeScript: Node 24 runs it directly and Jest imports it.
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AlexaRequestBuilder, DEFAULT_SKILL_ID } from '../alexa-request/envelope.ts';
import { type SigningIdentity, signRequest } from '../alexa-request/sign.ts';
import { ensureDevCerts, loadDevSigningIdentity } from '../dev-certs.ts';
import { type Exchange, exchange } from '../soak/http-client.ts';
import { ServiceProcess } from '../soak/service-process.ts';

/** A request as Amazon sends it: the exact bytes and their signature headers. */
export interface SignedAlexaRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** One sample of a Prometheus text page (labels must all match), 0 when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) found[pair[1]] = pair[2];
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return 0;
}

/** One pod: the built service as its own process. */
export class Pod {
  readonly name: string;
  readonly process: ServiceProcess;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 32 });

  constructor(name: string, process: ServiceProcess) {
    this.name = name;
    this.process = process;
  }

  send(request: SignedAlexaRequest): Promise<Exchange> {
    return exchange({
      port: this.process.port,
      method: 'POST',
      path: '/alexa',
      headers: request.headers,
      body: request.body,
      agent: this.agent,
    });
  }

  async ready(): Promise<number | undefined> {
    return (await exchange({ port: this.process.port, method: 'GET', path: '/health/ready' })).status;
  }

  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    return sample(await this.process.metrics(), name, labels);
  }

  /** Resolves once `name{labels}` equals `value`: a state change of another process, read every 25 ms. */
  async until(
    name: string,
    labels: Record<string, string>,
    value: number,
    timeoutMs = 20_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const now = await this.metric(name, labels);
      if (now === value) return;
      if (Date.now() > deadline) throw new Error(`${this.name}: ${name} stayed ${now}, expected ${value}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await this.process.stop();
  }
}

/** Two pods with one configuration (e.g. one REDIS_URL), signing requests with a development CA they trust. */
export class PodPair {
  readonly a: Pod;
  readonly b: Pod;
  private readonly identity: SigningIdentity;

  private constructor(a: Pod, b: Pod, identity: SigningIdentity) {
    this.a = a;
    this.b = b;
    this.identity = identity;
  }

  /** `root`: the repository (where dist/ is). */
  static async start(root: string, env: Record<string, string>): Promise<PodPair> {
    const certs = await ensureDevCerts(join(tmpdir(), `alexa-scale-out-certs-${process.pid}`));
    const identity = await loadDevSigningIdentity(certs.dir);
    const shared = {
      ALEXA_CERT_SOURCE: `file:${certs.dir}`,
      ALEXA_TRUSTED_CA_FILE: certs.caFile,
      ALEXA_SKILL_ID: DEFAULT_SKILL_ID,
      LOG_LEVEL: 'info',
      ...env,
    };
    const [a, b] = await Promise.all([
      ServiceProcess.start({ root, env: shared }),
      ServiceProcess.start({ root, env: shared }),
    ]);
    return new PodPair(new Pod('pod A', a), new Pod('pod B', b), identity);
  }

  get pods(): readonly Pod[] {
    return [this.a, this.b];
  }

  /** Signs the envelope like Amazon; the same bytes may then go to either pod. */
  sign(envelope: AlexaRequestBuilder): SignedAlexaRequest {
    const body = envelope.body();
    return { body, headers: { 'content-type': 'application/json', ...signRequest(body, this.identity) } };
  }

  /** One metric sample summed over both pods. */
  async total(name: string, labels: Record<string, string> = {}): Promise<number> {
    const values = await Promise.all(this.pods.map((pod) => pod.metric(name, labels)));
    return values.reduce((sum, value) => sum + value, 0);
  }

  async stop(): Promise<void> {
    await Promise.all(this.pods.map((pod) => pod.stop()));
  }
}

/** Clients that keep sending new requests to the pods in turn until stopped; every exchange is kept. */
export class SteadyLoad {
  readonly replies: Exchange[] = [];
  private stopped = false;
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  private readonly running: Promise<void[]>;

  constructor(pods: PodPair, next: () => SignedAlexaRequest, clients = 8) {
    const loop = async (offset: number): Promise<void> => {
      for (let i = offset; !this.stopped; i++) {
        this.replies.push(await pods.pods[i % 2].send(next()));
        this.waiters = this.waiters.filter((w) =>
          this.replies.length >= w.count ? (w.resolve(), false) : true,
        );
      }
    };
    this.running = Promise.all(Array.from({ length: clients }, (_, n) => loop(n)));
  }

  /** Resolves once `more` further replies have arrived. */
  after(more: number): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ count: this.replies.length + more, resolve }));
  }

  async stop(): Promise<Exchange[]> {
    this.stopped = true;
    await this.running;
    return this.replies;
  }
}
