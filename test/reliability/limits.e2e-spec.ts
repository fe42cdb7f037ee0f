import { maxHeaderSize, type Server } from 'node:http';
import { createTestApp, type TestApp } from '../support/test-app';
import { increments, MetricCounters } from './support/metric-counters';
import { RawConnection, rawExchange, rawRequest } from './support/raw-http';
import { expectNothingInternal } from './support/error-body';
import { until } from '../support/until';

// Limits: each one set, and proven on a real listening socket where Node's HTTP parser enforces it.
// A timed close is asserted only against the product's own limits: not before the configured limit, and before
// the default (REQUEST_TIMEOUT_MS 5 s; Node's keep-alive 5 s) would have closed it, so it was the setting.

/** The default REQUEST_TIMEOUT_MS (env.schema.ts): a close before it proves the configured 1 s applied. */
const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
/** Node's own keep-alive timeout, what a socket would get if KEEP_ALIVE_TIMEOUT_MS were not applied. */
const NODE_KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** Timers are not exact to the millisecond: a close may be seen this much before the limit. */
const TIMER_SLACK_MS = 50;

/** An app listening on an ephemeral port of 127.0.0.1. */
async function listening(
  env: Record<string, string> = {},
): Promise<{ t: TestApp; port: number; server: Server }> {
  const t = await createTestApp({ env });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const server = t.app.getHttpServer();
  return { t, port: (server.address() as { port: number }).port, server };
}

function post(port: number, body: string, extra: string[] = []): Buffer {
  return rawRequest(
    [
      'POST /alexa HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Connection: close',
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      ...extra,
    ],
    body,
  );
}

const get = (port: number, path: string, close = false): Buffer =>
  rawRequest([`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...(close ? ['Connection: close'] : [])]);

/** A JSON text of exactly `bytes` bytes (a string value: it parses, then fails verification). */
const jsonOfSize = (bytes: number): string => `"${'a'.repeat(bytes - 2)}"`;

describe('limits', () => {
  describe('with the defaults', () => {
    let t: TestApp;
    let port: number;
    let server: Server;
    let counters: MetricCounters;

    beforeAll(async () => {
      ({ t, port, server } = await listening());
      counters = new MetricCounters(t.app);
    });
    afterAll(() => t.close());

    it('sets the server timeouts Node enforces from the configuration', () => {
      expect({
        requestTimeout: server.requestTimeout,
        headersTimeout: server.headersTimeout,
        keepAliveTimeout: server.keepAliveTimeout,
        maxHeaderSize,
      }).toEqual({
        requestTimeout: 5_000,
        headersTimeout: 5_000,
        keepAliveTimeout: 65_000,
        maxHeaderSize: 16_384,
      });
    });

    it('keeps idle connections open longer than the ingress (nginx and cloud load balancers: 60 s)', () => {
      // The proxy must be the side that closes an idle upstream connection; otherwise it may send a request on
      // a socket the service is closing that very moment, and the caller gets a 502.
      expect(server.keepAliveTimeout).toBeGreaterThan(60_000);
    });

    it('accepts a body of exactly 128 KiB and refuses one byte more with 413, counted', async () => {
      const atLimit = await rawExchange(port, post(port, jsonOfSize(131_072)));
      expect(atLimit.status).toBe(400); // parsed, then refused by verification: the size was fine
      const before = await counters.snapshot();
      const over = await rawExchange(port, post(port, jsonOfSize(131_073)));
      expect(over.status).toBe(413);
      expectNothingInternal(bodyOf(over.text));
      expect(increments(before.http, (await counters.snapshot()).http)).toEqual({ '4xx': 1 });
    });

    it('refuses a chunked body that grows past the limit with 413', async () => {
      const chunk = 'a'.repeat(65_536);
      const body = `${[chunk, chunk, chunk].map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join('')}0\r\n\r\n`;
      const reply = await rawExchange(
        port,
        rawRequest(
          [
            'POST /alexa HTTP/1.1',
            'Host: x',
            'Connection: close',
            'Content-Type: application/json',
            'Transfer-Encoding: chunked',
          ],
          body,
        ),
      );
      expect(reply.status).toBe(413);
    });

    it('accepts 15 KB of headers and refuses more than 16 KiB with 431, counted as unmatched 4xx', async () => {
      const padded = (size: number): Buffer =>
        rawRequest([
          'GET /health/live HTTP/1.1',
          'Host: x',
          'Connection: close',
          `X-Pad: ${'p'.repeat(size)}`,
        ]);
      expect((await rawExchange(port, padded(15_000))).status).toBe(200);
      const before = await counters.samples('http_requests_total');
      const reply = await rawExchange(port, padded(16_500));
      expect(reply.status).toBe(431);
      expectNothingInternal(bodyOf(reply.text));
      const unmatched = (samples: Awaited<ReturnType<MetricCounters['samples']>>): number =>
        samples.find((s) => s.labels.route === 'unmatched' && s.labels.status_class === '4xx')?.value ?? 0;
      expect(unmatched(await counters.samples('http_requests_total')) - unmatched(before)).toBe(1);
    });
  });

  describe('request timeout (REQUEST_TIMEOUT_MS=1000)', () => {
    let t: TestApp;
    let port: number;
    let server: Server;
    let counters: MetricCounters;

    beforeAll(async () => {
      ({ t, port, server } = await listening({ REQUEST_TIMEOUT_MS: '1000' }));
      counters = new MetricCounters(t.app);
    });
    afterAll(() => t.close());

    it('gives the configured value to both timeouts Node enforces', () => {
      expect({ requestTimeout: server.requestTimeout, headersTimeout: server.headersTimeout }).toEqual({
        requestTimeout: 1_000,
        headersTimeout: 1_000,
      });
    });

    it('answers 408 and closes a connection whose body never finishes', async () => {
      const before = await counters.snapshot();
      const connection = await RawConnection.open(port);
      const started = Date.now();
      connection.write(
        'POST /alexa HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"version":',
      );
      const closedAt = await connection.closed;
      expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(closedAt - started).toBeGreaterThanOrEqual(1_000 - TIMER_SLACK_MS);
      expect(closedAt - started).toBeLessThan(DEFAULT_REQUEST_TIMEOUT_MS);
      expect(increments(before.http, (await counters.snapshot()).http)).toEqual({ '4xx': 1 });
    });

    it('closes a connection that trickles its headers (slowloris) after the timeout', async () => {
      const connection = await RawConnection.open(port);
      const started = Date.now();
      connection.write('POST /alexa HTTP/1.1\r\nHost: x\r\n');
      // The client under test: one header line every 200 ms, each well inside any per-read timeout.
      const trickle = setInterval(() => connection.open && connection.write('X-Slow: 1\r\n'), 200);
      const closedAt = await connection.closed;
      clearInterval(trickle);
      expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(closedAt - started).toBeGreaterThanOrEqual(1_000 - TIMER_SLACK_MS);
      expect(closedAt - started).toBeLessThan(DEFAULT_REQUEST_TIMEOUT_MS);
    });
  });

  describe('keep-alive timeout (KEEP_ALIVE_TIMEOUT_MS=1000)', () => {
    let t: TestApp;
    let port: number;

    beforeAll(async () => {
      ({ t, port } = await listening({ KEEP_ALIVE_TIMEOUT_MS: '1000' }));
    });
    afterAll(() => t.close());

    it('reuses an idle connection and closes it once the timeout passed', async () => {
      const connection = await RawConnection.open(port);
      expect((await connection.exchange(get(port, '/health/live'))).status).toBe(200);
      expect((await connection.exchange(get(port, '/health/live'))).status).toBe(200);
      const lastAnswer = Date.now();
      const closedAt = await connection.closed;
      // Idle for the whole timeout, and closed before Node's default would have: the setting did it.
      expect(closedAt - lastAnswer).toBeGreaterThanOrEqual(1_000 - TIMER_SLACK_MS);
      expect(closedAt - lastAnswer).toBeLessThan(NODE_KEEP_ALIVE_TIMEOUT_MS);
    });
  });

  describe('connections per pod (MAX_CONNECTIONS=3)', () => {
    let t: TestApp;
    let port: number;
    let server: Server;

    beforeAll(async () => {
      ({ t, port, server } = await listening({ MAX_CONNECTIONS: '3' }));
    });
    afterAll(() => t.close());

    it('drops a fourth concurrent connection at once, counts it, and accepts one again when a slot frees up', async () => {
      const counters = new MetricCounters(t.app);
      const droppedSoFar = async (): Promise<number> =>
        (await counters.samples('http_connections_dropped_total')).reduce((sum, s) => sum + s.value, 0);
      expect(await droppedSoFar()).toBe(0);
      const held = await Promise.all([1, 2, 3].map(() => RawConnection.open(port)));
      for (const connection of held)
        expect((await connection.exchange(get(port, '/health/live'))).status).toBe(200);

      // The kernel accepts; Node closes it unread: a request on it gets no answer, only the close.
      const extra = await RawConnection.open(port);
      await expect(extra.exchange(get(port, '/health/live'))).rejects.toThrow(
        'connection closed without an answer',
      );
      expect(extra.received()).toBe('');
      expect(await droppedSoFar()).toBe(1);

      held[0].destroy();
      await held[0].closed;
      // The client's close reaches the server a moment later; the server counts its connections then.
      await until(() => connectionCount(server).then((n) => n < 3), { what: 'the server saw the close' });
      const again = await RawConnection.open(port);
      expect((await again.exchange(get(port, '/health/live', true))).status).toBe(200);
      expect(await droppedSoFar()).toBe(1);
      for (const connection of held) connection.destroy();
    });
  });
});

function bodyOf(text: string): string {
  return text.slice(text.indexOf('\r\n\r\n') + 4);
}

function connectionCount(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}
