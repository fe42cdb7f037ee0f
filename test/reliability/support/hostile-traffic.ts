import { Agent } from 'node:http';
import { alexaRequest } from '../../../tools/alexa-request/envelope.ts';
import { signRequest, type SigningIdentity } from '../../../tools/alexa-request/sign.ts';
import { type Exchange, exchange } from '../../../tools/soak/http-client.ts';
import { createTestApp, type TestApp, type TestAppOptions } from '../../support/test-app';
import { signingIdentity } from './signing-identity';

/** Alexa gives up on an answer after 8 s: the only latency bound the hostile-traffic suites assert. */
export const ALEXA_DEADLINE_MS = 8_000;

/** The real app (test defaults, a development CA the signed client below signs with) on a port of 127.0.0.1. */
export async function listeningApp(
  options: TestAppOptions = {},
): Promise<{ t: TestApp; port: number; identity: SigningIdentity }> {
  const signing = await signingIdentity();
  const t = await createTestApp({ ...options, env: { ...signing.env, ...options.env } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (t.app.getHttpServer().address() as { port: number }).port;
  return { t, port, identity: signing.identity };
}

/**
 * Amazon's side: correctly signed requests on one kept-alive connection, as an ingress controller holds them.
 * `open` sends the first request, so the connection (and the certificate cache) exists before an attack starts.
 */
export class SignedClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

  private constructor(
    private readonly port: number,
    private readonly identity: SigningIdentity,
  ) {}

  static async open(port: number, identity: SigningIdentity): Promise<SignedClient> {
    const client = new SignedClient(port, identity);
    const first = await client.send();
    if (first.status !== 200) throw new Error(`the first signed request got ${first.status ?? first.error}`);
    return client;
  }

  /** One signed AMAZON.HelpIntent (a built-in handler: no upstream call), with a fresh request ID. */
  send(): Promise<Exchange> {
    const body = alexaRequest().intent('AMAZON.HelpIntent').body();
    return exchange({
      port: this.port,
      agent: this.agent,
      body,
      headers: { 'content-type': 'application/json; charset=utf-8', ...signRequest(body, this.identity) },
    });
  }

  /** `count` requests one after another; resolves with every exchange. */
  async sendMany(count: number): Promise<Exchange[]> {
    const exchanges: Exchange[] = [];
    for (let i = 0; i < count; i++) exchanges.push(await this.send());
    return exchanges;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** What the signed requests sent during an attack got: each status, and the slowest answer. */
export function answered(exchanges: readonly Exchange[]): { statuses: string[]; slowestMs: number } {
  return {
    statuses: [...new Set(exchanges.map((e) => String(e.status ?? e.error)))],
    slowestMs: Math.max(...exchanges.map((e) => e.doneAt - e.sentAt)),
  };
}

/**
 * `concurrency` loops that each run `attempt` again as soon as it settles, until `stop()`; `stop()` resolves with
 * how many attempts ran, once the loops have finished.
 */
export function attack(concurrency: number, attempt: () => Promise<unknown>): { stop(): Promise<number> } {
  let stopped = false;
  let attempts = 0;
  const loops = Array.from({ length: concurrency }, async () => {
    while (!stopped) {
      await attempt();
      attempts++;
    }
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return attempts;
    },
  };
}
