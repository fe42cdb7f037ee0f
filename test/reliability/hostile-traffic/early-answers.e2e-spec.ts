import { connect } from 'node:net';
import type { SigningIdentity } from '../../../tools/alexa-request/sign.ts';
import type { TestApp } from '../../support/test-app';
import { rawExchange, rawRequest } from '../support/raw-http';
import { ALEXA_DEADLINE_MS, answered, listeningApp, SignedClient } from '../support/hostile-traffic';

// Attack: a request the server answers before reading its body (wrong content type: 415; unknown route: 404;
// a declared length over the limit: 413) that declares 100 GB and keeps sending. If the server keeps the connection for the next request, it reads and
// throws away the whole body until the request timeout. The limit: an answer sent before the body was read says
// `Connection: close`, and the server closes the connection instead of reading on.

/** More than a server that stops reading can take in: kernel buffers hold a few MiB at most. */
const KEPT_READING_BYTES = 256 * 2 ** 20;

/**
 * Declares 100 GB and sends as fast as the server reads. Resolves `closed` with how much was pushed when the
 * server closed the connection, or `kept-reading` once more than {@link KEPT_READING_BYTES} went in.
 */
function endlessBody(port: number, head: readonly string[]): Promise<{ outcome: string; pushedMiB: number }> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let pushed = 0;
    let settled = false;
    const finish = (outcome: string): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ outcome, pushedMiB: Math.round(pushed / 2 ** 20) });
    };
    const pump = (): void => {
      while (!settled && !socket.destroyed) {
        if (pushed > KEPT_READING_BYTES) return finish('kept-reading');
        pushed += chunk.length;
        if (!socket.write(chunk)) return;
      }
    };
    socket.on('error', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    socket.on('drain', pump);
    socket.once('connect', () => {
      socket.write(rawRequest([...head, 'Host: 127.0.0.1', 'Content-Length: 100000000000']));
      pump();
    });
  });
}

describe('hostile traffic: bodies the server answered before reading them', () => {
  let t: TestApp;
  let port: number;
  let identity: SigningIdentity;

  beforeAll(async () => {
    // A long request timeout: only the early answer's close can end these connections within the test.
    ({ t, port, identity } = await listeningApp({ env: { REQUEST_TIMEOUT_MS: '60000' } }));
  });
  afterAll(() => t.close());

  it.each([
    ['a wrong content type', ['POST /alexa HTTP/1.1', 'Content-Type: text/plain'], 415],
    ['an unknown route', ['POST /elsewhere HTTP/1.1', 'Content-Type: application/octet-stream'], 404],
    [
      'a declared length over the body limit',
      ['POST /alexa HTTP/1.1', 'Content-Type: application/json'],
      413,
    ],
  ])('answers %s with Connection: close and closes the connection', async (_name, head, status) => {
    const reply = await rawExchange(port, rawRequest([...head, 'Host: x', 'Content-Length: 100000000000']));
    expect(reply.status).toBe(status);
    expect(reply.text).toMatch(/\r\nconnection: close\r\n/i);
  });

  it('closes 100 GB bodies instead of reading them, and keeps answering signed requests with 200', async () => {
    const signed = await SignedClient.open(port, identity);
    const attacks = [
      ...Array.from({ length: 3 }, () =>
        endlessBody(port, ['POST /alexa HTTP/1.1', 'Content-Type: text/plain']),
      ),
      ...Array.from({ length: 3 }, () =>
        endlessBody(port, ['POST /elsewhere HTTP/1.1', 'Content-Type: application/octet-stream']),
      ),
    ];
    const during = await signed.sendMany(20);
    const outcomes = await Promise.all(attacks);
    signed.close();

    expect(answered(during).statuses).toEqual(['200']);
    expect(answered(during).slowestMs).toBeLessThan(ALEXA_DEADLINE_MS);
    expect(outcomes.map((o) => o.outcome)).toEqual(Array.from({ length: 6 }, () => 'closed'));
    process.stderr.write(
      `[hostile-traffic] early answers: 6 connections closed after ${outcomes.map((o) => o.pushedMiB).join(', ')} MiB pushed\n`,
    );
  });
});
