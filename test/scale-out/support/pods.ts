import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AlexaRequestBuilder, DEFAULT_SKILL_ID } from '../../../tools/alexa-request/envelope.ts';
import { type SigningIdentity, signRequest } from '../../../tools/alexa-request/sign.ts';
import { ensureDevCerts, loadDevSigningIdentity } from '../../../tools/dev-certs.ts';
import { type Exchange, exchange } from '../../../tools/soak/http-client.ts';
import { ServiceProcess } from '../../../tools/soak/service-process.ts';
import { metricValue } from '../../support/test-app';

const root = join(__dirname, '../../..');

/** A request as Amazon sends it: the exact bytes and their signature headers. */
export interface SignedAlexaRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** One pod: the built service (dist/…/main.js) as its own process, as the container runs it. */
export class Pod {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 32 });

  constructor(
    readonly name: string,
    readonly process: ServiceProcess,
  ) {}

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
    return metricValue(await this.process.metrics(), name, labels);
  }

  /** Resolves once `name{labels}` equals `value` (polled: a state change of another process). */
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

/** Two pods of the built service behind one client, with the same configuration (e.g. one REDIS_URL). */
export class PodPair {
  private constructor(
    readonly a: Pod,
    readonly b: Pod,
    private readonly identity: SigningIdentity,
  ) {}

  static async start(env: Record<string, string>): Promise<PodPair> {
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

  /** Signs the envelope like Amazon (the same bytes may then be delivered to either pod). */
  sign(envelope: AlexaRequestBuilder): SignedAlexaRequest {
    const body = envelope.body();
    return { body, headers: { 'content-type': 'application/json', ...signRequest(body, this.identity) } };
  }

  /** The sum of one metric sample over both pods. */
  async total(name: string, labels: Record<string, string> = {}): Promise<number> {
    const values = await Promise.all(this.pods.map((pod) => pod.metric(name, labels)));
    return values.reduce((sum, value) => sum + value, 0);
  }

  async stop(): Promise<void> {
    await Promise.all(this.pods.map((pod) => pod.stop()));
  }
}
