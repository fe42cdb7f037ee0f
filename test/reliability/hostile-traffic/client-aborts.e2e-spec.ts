import { connect, type Socket } from 'node:net';
import { alexaRequest } from '../../../tools/alexa-request/envelope.ts';
import { signRequest, type SigningIdentity } from '../../../tools/alexa-request/sign.ts';
import { type FakeMusicApi, startFakeMusicApi } from '../../../tools/fake-music-api.ts';
import type { TestApp } from '../../support/test-app';
import { ALEXA_DEADLINE_MS, answered, listeningApp, SignedClient } from '../support/hostile-traffic';
import { MetricCounters } from '../support/metric-counters';

// Attack: requests whose connection closes before they are answered: bodies half sent and then reset by the
// client, bodies and headers that stall until the request timeout, a client that leaves while its answer is
// being worked out. Each must cost one info line and one count, never an error line with a stack (a flood of
// them would bury real errors and cost a stack trace each).

const LINKED_TOKEN = 'aborts-linked-token';

/**
 * Resolves with the log lines written since line `from` once `count` of them say `request aborted`, or as soon as
 * one is an error (level 50 or more), which the assertions then show.
 */
async function abortLines(t: TestApp, from: number, count: number): Promise<Array<Record<string, unknown>>> {
  const since = (): Array<Record<string, unknown>> =>
    t.logs.lines.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
  await t.logs.until(() => {
    const lines = since();
    return (
      lines.some((l) => (l.level as number) >= 50) ||
      lines.filter((l) => l.msg === 'request aborted').length >= count
    );
  });
  return since();
}

/** Opens a connection, writes `text`, and returns the socket once written. */
function sendPart(port: number, text: string): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    socket.once('connect', () => socket.write(text, () => resolve(socket)));
  });
}

const HALF_BODY =
  'POST /alexa HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"version":';

/** Resolves once `condition` holds, checked on every turn of the event loop. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('hostile traffic: clients that go away or stall', () => {
  let t: TestApp;
  let port: number;
  let identity: SigningIdentity;
  let music: FakeMusicApi;
  let counters: MetricCounters;

  beforeAll(async () => {
    music = await startFakeMusicApi({ tokens: [LINKED_TOKEN], control: false });
    ({ t, port, identity } = await listeningApp({
      env: {
        REQUEST_TIMEOUT_MS: '1000',
        MUSIC_API_BASE_URL: music.url,
        PROGRESSIVE_RESPONSE_DELAY_MS: '8000',
      },
    }));
    counters = new MetricCounters(t.app);
  });
  afterAll(async () => {
    await t.close();
    await music.close();
  });

  const aborted = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      (await counters.samples('http_requests_aborted_total')).map((s) => [
        `${s.labels.phase}/${s.labels.reason}`,
        s.value,
      ]),
    );

  it('counts every kind of abort from 0 at start-up', async () => {
    expect(await aborted()).toEqual({
      'headers/timeout': 0,
      'body/client_closed': 0,
      'body/timeout': 0,
      'response/client_closed': 0,
    });
  });

  it('logs 20 bodies reset half-way once each at info, counts them, never an error; signed requests get 200', async () => {
    const signed = await SignedClient.open(port, identity);
    const linesBefore = t.logs.lines.length;
    const resets = Array.from({ length: 20 }, async () =>
      (await sendPart(port, HALF_BODY)).resetAndDestroy(),
    );
    const during = await signed.sendMany(10);
    await Promise.all(resets);
    const lines = await abortLines(t, linesBefore, 20);
    signed.close();

    expect(answered(during).statuses).toEqual(['200']);
    expect(answered(during).slowestMs).toBeLessThan(ALEXA_DEADLINE_MS);
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(JSON.stringify(lines)).not.toMatch(/stack|ExceptionsHandler/);
    const aborted20 = lines.filter((l) => l.msg === 'request aborted');
    expect(aborted20).toHaveLength(20);
    for (const line of aborted20) {
      expect(line).toMatchObject({ level: 30, route: '/alexa', phase: 'body', reason: 'client_closed' });
    }
    expect((await aborted())['body/client_closed']).toBe(20);
  });

  it('logs and counts a body and headers that stall past the request timeout', async () => {
    const linesBefore = t.logs.lines.length;
    const sockets = await Promise.all([
      sendPart(port, HALF_BODY),
      sendPart(port, 'POST /alexa HTTP/1.1\r\nHost: x\r\n'),
    ]);
    const lines = await abortLines(t, linesBefore, 2);
    for (const socket of sockets) socket.destroy();

    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(
      lines
        .filter((l) => l.msg === 'request aborted')
        .map((l) => `${String(l.phase)}/${String(l.reason)}`)
        .sort(),
    ).toEqual(['body/timeout', 'headers/timeout']);
    expect(await aborted()).toMatchObject({ 'headers/timeout': 1, 'body/timeout': 1 });
  });

  it('logs and counts a client that leaves while its answer is worked out', async () => {
    music.behave({ mode: 'slow', delayMs: 400, times: 1 });
    const hitsBefore = music.hits();
    const linesBefore = t.logs.lines.length;
    const body = alexaRequest().intent('WhatsPlayingIntent').linked(LINKED_TOKEN).body();
    const signature = signRequest(body, identity);
    const socket = await sendPart(
      port,
      `POST /alexa HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `SignatureCertChainUrl: ${signature.SignatureCertChainUrl}\r\nSignature-256: ${signature['Signature-256']}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    // Leave once the fake API has the service's call in hand: the answer is being worked out.
    await until(() => music.hits() > hitsBefore);
    socket.destroy();
    const lines = await abortLines(t, linesBefore, 1);

    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    const line = lines.find((l) => l.msg === 'request aborted');
    expect(line).toMatchObject({
      level: 30,
      route: '/alexa',
      phase: 'response',
      reason: 'client_closed',
      alexa: expect.objectContaining({ intent: 'WhatsPlayingIntent' }),
    });
    expect((await aborted())['response/client_closed']).toBe(1);
  });
});
