import { Agent } from 'node:http';
import type { SigningIdentity } from '../../../tools/alexa-request/sign.ts';
import { signRequest } from '../../../tools/alexa-request/sign.ts';
import { exchange } from '../../../tools/soak/http-client.ts';
import { hostileBody } from '../../../tools/alexa-request/hostile-bodies.ts';
import type { TestApp } from '../../support/test-app';
import { increments, MetricCounters } from '../support/metric-counters';
import { ALEXA_DEADLINE_MS, answered, attack, listeningApp, SignedClient } from '../support/hostile-traffic';

// Attack: bodies that are expensive to parse, sent by anyone (no valid signature): 130 KB nested 65,000 levels
// deep, 43,000 small objects, or small trees many times over, each with a `constructor` key that makes the
// prototype-poisoning scan walk all of it. Parsed before the signature check, they cost 13-20 times a flat body
// of the same size (docs/reliability.md). The limit: the signature is checked on the raw bytes, and only bytes
// that pass are parsed; bodies sent to unknown routes are not parsed at all.

const REFUSAL = '{"error":"request verification failed"}';
/** A body secure-json-parse refuses: it shows whether the parser saw the bytes (its 400) or not. */
const POISONED = `{"__proto__":{"polluted":true},"padding":${JSON.stringify('x'.repeat(1000))}}`;

describe('hostile traffic: bodies that are expensive to parse', () => {
  let t: TestApp;
  let port: number;
  let identity: SigningIdentity;
  let counters: MetricCounters;

  beforeAll(async () => {
    ({ t, port, identity } = await listeningApp());
    counters = new MetricCounters(t.app);
  });
  afterAll(() => t.close());

  /** A body signed by nobody, with Amazon's headers: a certificate URL that loads, a signature over other bytes. */
  function unsigned(body: string, path = '/alexa') {
    const { SignatureCertChainUrl } = signRequest('other bytes', identity);
    return {
      port,
      path,
      body,
      headers: {
        'content-type': 'application/json',
        signaturecertchainurl: SignatureCertChainUrl,
        'signature-256': signRequest('other bytes', identity)['Signature-256'],
      },
    };
  }

  it('refuses a poisoned body by its signature, without parsing it', async () => {
    const before = await counters.snapshot();
    const reply = await exchange(unsigned(POISONED));
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 400, body: REFUSAL });
    expect(increments(before.verification, (await counters.snapshot()).verification)).toEqual({
      signature: 1,
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not parse the body of an unknown route', async () => {
    const reply = await exchange(unsigned(POISONED, '/not-a-route'));
    expect({ status: reply.status, body: reply.body }).toEqual({
      status: 404,
      body: '{"statusCode":404,"error":"Not Found"}',
    });
  });

  it('keeps answering signed requests with 200 while 8 connections send 130 KB deep, wide and nested bodies', async () => {
    const signed = await SignedClient.open(port, identity);
    const before = await counters.snapshot();
    const shapes = ['deep', 'wide', 'forest'] as const;
    const replies = new Map<string, number>();
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    let turn = 0;
    const flood = attack(8, async () => {
      const shape = shapes[turn++ % shapes.length];
      const reply = await exchange({ ...unsigned(hostileBody(shape)), agent });
      const key = `${shape} ${reply.status ?? reply.error} ${reply.body === REFUSAL ? 'refused' : reply.body}`;
      replies.set(key, (replies.get(key) ?? 0) + 1);
    });
    const during = await signed.sendMany(30);
    const attempts = await flood.stop();
    signed.close();
    agent.destroy();

    expect(answered(during).statuses).toEqual(['200']);
    expect(answered(during).slowestMs).toBeLessThan(ALEXA_DEADLINE_MS);
    // Every hostile body was refused by the signature check; none reached the parser.
    expect([...replies.keys()].sort()).toEqual(shapes.map((shape) => `${shape} 400 refused`).sort());
    const after = await counters.snapshot();
    expect(increments(before.verification, after.verification)).toEqual({ signature: attempts });
    expect(increments(before.skill, after.skill)).toEqual({ ok: 30, rejected: attempts });
    process.stderr.write(
      `[hostile-traffic] expensive bodies: ${attempts} refused during 30 signed requests (slowest ${Math.round(answered(during).slowestMs)} ms)\n`,
    );
  });
});
