// What the load generator sends. Every request carries a unique request ID (the service refuses a replayed
// one by default), and signed requests are signed before the measured window starts, so the load generator
// does the same cheap work per request in every scenario: pick the next prepared body, send it.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { alexaRequest, DEFAULT_SKILL_ID } from '../../tools/alexa-request/envelope.ts';
import type { SignJob } from './sign-worker.ts';

export { DEFAULT_SKILL_ID };

/** The linked user's token, accepted by the fake music API. */
export const BENCH_ACCESS_TOKEN = 'bench-token';

/** LaunchRequest, or the linked WhatsPlayingIntent (one upstream call). */
export type RequestKind = 'launch' | 'whats-playing';

export interface PreparedRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** Hands out the next request to send. */
export interface RequestSource {
  next(): PreparedRequest;
  /** How many requests it can hand out before repeating one (Infinity for unsigned sources). */
  readonly capacity: number;
}

const PLACEHOLDER = '__BENCH_REQUEST_ID__';
const CONTENT_TYPE = { 'content-type': 'application/json; charset=utf-8' };
let runCounter = 0;

/** The envelope as text, split around its request ID; the timestamp is now. */
function template(kind: RequestKind): { prefix: string; suffix: string; idBase: string } {
  const builder =
    kind === 'launch'
      ? alexaRequest().launch()
      : alexaRequest().intent('WhatsPlayingIntent').linked(BENCH_ACCESS_TOKEN);
  const text = builder.skill(DEFAULT_SKILL_ID).requestId(PLACEHOLDER).body();
  const at = text.indexOf(PLACEHOLDER);
  runCounter += 1;
  return {
    prefix: text.slice(0, at),
    suffix: text.slice(at + PLACEHOLDER.length),
    idBase: `amzn1.echo-api.request.bench-${process.pid}-${runCounter}-`,
  };
}

/** Unsigned requests, each with a fresh request ID, without limit. */
export function unsignedSource(kind: RequestKind): RequestSource {
  const { prefix, suffix, idBase } = template(kind);
  let index = 0;
  return {
    capacity: Infinity,
    next: () => ({ body: prefix + idBase + index++ + suffix, headers: { ...CONTENT_TYPE } }),
  };
}

export interface SigningIdentity {
  readonly privateKeyPem: string;
  readonly certUrl: string;
}

/** Signs batches of requests on worker threads (one per core), between measured windows. */
export class Signer {
  private readonly identity: SigningIdentity;
  private readonly workers: Worker[];

  constructor(identity: SigningIdentity, threads = availableParallelism()) {
    this.identity = identity;
    this.workers = Array.from(
      { length: Math.max(1, threads) },
      () => new Worker(new URL('./sign-worker.ts', import.meta.url)),
    );
  }

  /** `count` requests signed like Amazon signs them, timestamped now, each with its own request ID. */
  async source(kind: RequestKind, count: number): Promise<RequestSource> {
    const { prefix, suffix, idBase } = template(kind);
    const share = Math.ceil(count / this.workers.length);
    const parts = await Promise.all(
      this.workers.map((worker, w) => {
        const job: SignJob = {
          privateKeyPem: this.identity.privateKeyPem,
          prefix,
          suffix,
          idBase,
          from: w * share,
          to: Math.min(count, (w + 1) * share),
        };
        return new Promise<string[]>((resolve, reject) => {
          const onError = (error: Error): void => reject(error);
          worker.once('error', onError);
          worker.once('message', (signatures: string[]) => {
            worker.off('error', onError);
            resolve(signatures);
          });
          worker.postMessage(job);
        });
      }),
    );
    const signatures = parts.flat();
    const certUrl = this.identity.certUrl;
    let index = 0;
    return {
      capacity: signatures.length,
      next: () => {
        // Past the end it repeats (a replay the service refuses); callers size the batch to avoid that.
        const i = index++ % signatures.length;
        return {
          body: prefix + idBase + i + suffix,
          headers: { ...CONTENT_TYPE, SignatureCertChainUrl: certUrl, 'Signature-256': signatures[i] },
        };
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
