import { Logger } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { METRICS_REGISTRY, MetricsModule, MetricsServer } from '@lib/metrics';
import {
  AccessForbiddenError,
  AccessTokenRejectedError,
  getResilientClientToken,
  ResilientHttpClient,
  ResilientHttpModule,
  UpstreamBadResponseError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from '@lib/resilient-http';
import type { ResilientClientOptions } from '@lib/resilient-http';
import { Socket } from 'node:net';
import type { LookupFunction } from 'node:net';
import type { LookupOptions } from 'node:dns';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { startFakeMusicApi } from '../../tools/fake-music-api.ts';
import type { FakeMusicApi } from '../../tools/fake-music-api.ts';

// The resilient client against the real fake music API on 127.0.0.1, with short budgets so the suite takes
// seconds. Each test gets a fresh client (fresh breaker) and a fresh registry.

const TOKEN = 'good-token';
type LookupCallback = (error: Error | null, address: unknown, family?: number) => void;
const profile = z.object({ id: z.string(), display_name: z.string() });

/** Short settings: 1 s budget, 300 ms attempts, 10..50 ms backoff, breaker opens after 3 failures. */
const fast: ResilientClientOptions = {
  totalBudgetMs: 1000,
  attemptTimeoutMs: 300,
  retry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 50, minAttemptMs: 20 },
  circuitBreaker: { consecutiveFailures: 3, halfOpenAfterMs: 300 },
};

/**
 * Moves the wall clock past the breaker's half-open delay without waiting: only `Date` is faked (cockatiel reads
 * `Date.now()` for it), so timers and sockets keep real time.
 */
function passHalfOpenDelay(): void {
  jest.useFakeTimers({
    now: Date.now() + (fast.circuitBreaker as { halfOpenAfterMs: number }).halfOpenAfterMs + 1,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

describe('ResilientHttpClient against the fake music API', () => {
  let fake: FakeMusicApi;
  let closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    Logger.overrideLogger(false);
    fake = await startFakeMusicApi({ tokens: [TOKEN], insufficientScopeTokens: ['narrow-token'] });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());
  afterEach(async () => {
    jest.useRealTimers();
    await Promise.all(closers.map((close) => close()));
    closers = [];
  });

  async function clientWith(options: ResilientClientOptions = {}) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        MetricsModule.forRoot({ serve: false, defaultMetrics: false }),
        ResilientHttpModule.forFeature({ name: 'music', baseURL: fake.url, ...fast, ...options }),
      ],
    }).compile();
    closers.push(() => moduleRef.close());
    return {
      http: moduleRef.get<ResilientHttpClient>(getResilientClientToken('music')),
      registry: moduleRef.get<Registry>(METRICS_REGISTRY),
    };
  }

  const me = (http: ResilientHttpClient, token = TOKEN, deadline?: number) =>
    http.getJson('me', '/v1/me', profile, { accessToken: token, deadline });

  async function timed<T>(work: Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
    const start = performance.now();
    try {
      return { value: await work, ms: performance.now() - start };
    } catch (error) {
      return { error, ms: performance.now() - start };
    }
  }

  async function sample(registry: Registry, name: string, labels: Record<string, string>) {
    const metric = await registry.getSingleMetric(name)?.get();
    return metric?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value;
  }

  it('returns the validated body of a healthy upstream', async () => {
    const { http } = await clientWith();
    await expect(me(http)).resolves.toEqual({ id: 'user-1', display_name: 'Test User 1' });
    expect(fake.hits('/v1/me')).toBe(1);
  });

  it('resolves the upstream host name with the configured lookup, once per new connection', async () => {
    const asked: string[] = [];
    const lookup = ((hostname: string, options: LookupOptions, callback: LookupCallback) => {
      asked.push(hostname);
      if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
      else callback(null, '127.0.0.1', 4);
    }) as unknown as LookupFunction;
    const { port } = new URL(fake.url);
    const { http } = await clientWith({ baseURL: `http://music.upstream.test:${port}`, dnsLookup: lookup });
    await expect(me(http)).resolves.toMatchObject({ id: 'user-1' });
    await expect(me(http)).resolves.toMatchObject({ id: 'user-1' });
    // Keep-alive: the second call reuses the socket, so the name was resolved once.
    expect(asked).toEqual(['music.upstream.test']);
  });

  it('reuses a kept-alive socket without changing its TCP keep-alive setting on each request', async () => {
    // axios and the agent both set keep-alive on every request; with one value Node skips the system call.
    const setKeepAlive = jest.spyOn(Socket.prototype, 'setKeepAlive');
    try {
      const { http } = await clientWith();
      for (let i = 0; i < 3; i++) await expect(me(http)).resolves.toMatchObject({ id: 'user-1' });
      expect(new Set(setKeepAlive.mock.contexts).size).toBe(1);
      expect(setKeepAlive.mock.calls.length).toBeGreaterThanOrEqual(3);
      expect(new Set(setKeepAlive.mock.calls.map((args) => args.join('/')))).toEqual(new Set(['true/60000']));
    } finally {
      setKeepAlive.mockRestore();
    }
  });

  it('reaches an upstream named in /etc/hosts through the default cached lookup', async () => {
    const { port } = new URL(fake.url);
    const { http } = await clientWith({ baseURL: `http://localhost:${port}` });
    await expect(me(http)).resolves.toMatchObject({ id: 'user-1' });
  });

  it('answers after 503 twice then 200, counting two retries', async () => {
    const { http, registry } = await clientWith();
    fake.behave({ path: '/v1/me', mode: 'fail', status: 503, times: 2 });
    await expect(me(http)).resolves.toMatchObject({ id: 'user-1' });
    expect(fake.hits('/v1/me')).toBe(3);
    expect(await sample(registry, 'upstream_retries_total', { provider: 'music', reason: '503' })).toBe(2);
    expect(await sample(registry, 'upstream_requests_total', { operation: 'me', outcome: 'success' })).toBe(
      1,
    );
  });

  it('gives up with UpstreamUnavailableError when 503 outlasts the retries', async () => {
    const { http } = await clientWith({ circuitBreaker: false });
    fake.behave({ path: '/v1/me', mode: 'fail', status: 503 });
    const { error } = await timed(me(http));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error).toMatchObject({ reason: 'server_error', status: 503, provider: 'music', operation: 'me' });
    expect(fake.hits('/v1/me')).toBe(3);
  });

  it('waits out a 429 whose Retry-After fits the budget, then answers', async () => {
    const { http, registry } = await clientWith({ totalBudgetMs: 2500 });
    fake.behave({ path: '/v1/me', mode: '429', retryAfter: 1, times: 1 });
    const { value, ms } = await timed(me(http));
    expect(value).toMatchObject({ id: 'user-1' });
    expect(ms).toBeGreaterThanOrEqual(990);
    expect(ms).toBeLessThan(2500);
    expect(fake.hits('/v1/me')).toBe(2);
    expect(await sample(registry, 'upstream_retries_total', { provider: 'music', reason: '429' })).toBe(1);
  });

  it('fails fast with UpstreamRateLimitedError when Retry-After is beyond the budget', async () => {
    const { http, registry } = await clientWith();
    fake.behave({ path: '/v1/me', mode: '429', retryAfter: 30 });
    const { error, ms } = await timed(me(http));
    expect(error).toBeInstanceOf(UpstreamRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 30_000 });
    expect(ms).toBeLessThan(1000); // the call's budget: it did not wait the 30 s
    expect(fake.hits('/v1/me')).toBe(1);
    expect(
      await sample(registry, 'upstream_requests_total', { operation: 'me', outcome: 'rate_limited' }),
    ).toBe(1);
  });

  it('answers within the budget (plus a small margin) when the upstream hangs', async () => {
    const { http } = await clientWith({ circuitBreaker: false });
    fake.behave({ path: '/v1/me', mode: 'hang' });
    const { error, ms } = await timed(me(http));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(['timeout', 'budget_exhausted']).toContain((error as UpstreamUnavailableError).reason);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(1000 + 150);
    expect(fake.hits('/v1/me')).toBeGreaterThanOrEqual(3);
  });

  it("stops at the caller's deadline when it comes before the budget", async () => {
    const { http } = await clientWith({ circuitBreaker: false });
    fake.behave({ path: '/v1/me', mode: 'hang' });
    const { error, ms } = await timed(me(http, TOKEN, Date.now() + 200));
    expect(error).toMatchObject({ reason: 'budget_exhausted' });
    expect(ms).toBeLessThan(1000); // the deadline came first, not the 1 s budget
  });

  it('retries a slow attempt that times out, and takes the next fast answer', async () => {
    const { http, registry } = await clientWith();
    // The first attempt is held until the call is over: only a retry can have answered it.
    fake.behave({ path: '/v1/me', mode: 'held', times: 1 });
    const { value, ms } = await timed(me(http));
    fake.release();
    expect(value).toMatchObject({ id: 'user-1' });
    expect(fake.hits('/v1/me')).toBe(2);
    expect(ms).toBeGreaterThanOrEqual(300); // the attempt timeout, not an earlier give-up
    expect(await sample(registry, 'upstream_retries_total', { provider: 'music', reason: 'timeout' })).toBe(
      1,
    );
  });

  it('opens the breaker after the threshold; later calls fail fast without reaching the server', async () => {
    const { http, registry } = await clientWith({ retry: false });
    fake.behave({ path: '/v1/me', mode: 'fail', status: 503 });
    for (let i = 0; i < 3; i++) await timed(me(http));
    expect(fake.hits('/v1/me')).toBe(3);
    expect(http.circuitState()).toBe('open');

    const durations: number[] = [];
    for (let i = 0; i < 20; i++) {
      const { error, ms } = await timed(me(http));
      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect(error).toMatchObject({ reason: 'circuit_open' });
      durations.push(ms);
    }
    // No call reached the server, and none waited for an attempt (300 ms) to time out.
    expect(fake.hits('/v1/me')).toBe(3);
    expect(Math.max(...durations)).toBeLessThan(300);
    expect(await sample(registry, 'upstream_circuit_state', { provider: 'music' })).toBe(2);
    expect(
      await sample(registry, 'upstream_requests_total', { operation: 'me', outcome: 'circuit_open' }),
    ).toBe(20);
  });

  it('closes the breaker again when the half-open probe succeeds', async () => {
    const { http, registry } = await clientWith({ retry: false });
    fake.behave({ path: '/v1/me', mode: 'fail', status: 503, times: 3 });
    for (let i = 0; i < 3; i++) await timed(me(http));
    expect(http.circuitState()).toBe('open');

    passHalfOpenDelay();
    await expect(me(http)).resolves.toMatchObject({ id: 'user-1' });
    expect(fake.hits('/v1/me')).toBe(4);
    expect(http.circuitState()).toBe('closed');
    await expect(me(http)).resolves.toMatchObject({ id: 'user-1' });
    for (const [from, to] of [
      ['closed', 'open'],
      ['open', 'half_open'],
      ['half_open', 'closed'],
    ]) {
      expect(
        await sample(registry, 'upstream_circuit_transitions_total', { provider: 'music', from, to }),
      ).toBe(1);
    }
    expect(await sample(registry, 'upstream_circuit_state', { provider: 'music' })).toBe(0);
  });

  it('reopens the breaker when the half-open probe fails', async () => {
    const { http } = await clientWith({ retry: false });
    fake.behave({ path: '/v1/me', mode: 'fail', status: 503 });
    for (let i = 0; i < 3; i++) await timed(me(http));
    passHalfOpenDelay();
    await expect(me(http)).rejects.toMatchObject({ reason: 'server_error' });
    expect(http.circuitState()).toBe('open');
    await expect(me(http)).rejects.toMatchObject({ reason: 'circuit_open' });
    expect(fake.hits('/v1/me')).toBe(4);
  });

  it('turns 401 into AccessTokenRejectedError, without retrying', async () => {
    const { http, registry } = await clientWith();
    const { error } = await timed(me(http, 'expired-token'));
    expect(error).toBeInstanceOf(AccessTokenRejectedError);
    expect(error).toMatchObject({ provider: 'music', operation: 'me', status: 401 });
    expect((error as Error).message).not.toContain('expired-token');
    expect(fake.hits('/v1/me')).toBe(1);
    expect(
      await sample(registry, 'upstream_requests_total', { operation: 'me', outcome: 'rejected_token' }),
    ).toBe(1);
  });

  it('turns 403 into AccessForbiddenError', async () => {
    const { http } = await clientWith();
    await expect(me(http, 'narrow-token')).rejects.toBeInstanceOf(AccessForbiddenError);
  });

  it('does not retry a POST', async () => {
    const { http } = await clientWith();
    fake.behave({ path: '/v1/directives', mode: 'fail', status: 503 });
    const call = http.request({
      operation: 'directive',
      method: 'POST',
      url: '/v1/directives',
      accessToken: TOKEN,
      data: { header: { requestId: 'r' }, directive: { type: 'VoicePlayer.Speak', speech: 'hi' } },
    });
    await expect(call).rejects.toMatchObject({ reason: 'server_error', status: 503 });
    expect(fake.hits('/v1/directives')).toBe(1);
  });

  it('turns a malformed body into UpstreamBadResponseError, without retrying', async () => {
    const { http } = await clientWith();
    fake.behave({ path: '/v1/me', mode: 'malformed' });
    const { error } = await timed(me(http));
    expect(error).toBeInstanceOf(UpstreamBadResponseError);
    expect(error).toMatchObject({ reason: 'unparseable', status: 200 });
    expect(fake.hits('/v1/me')).toBe(1);
  });

  it('turns a schema-invalid body into UpstreamBadResponseError naming the paths', async () => {
    const { http } = await clientWith();
    fake.behave({ path: '/v1/me', mode: 'invalid' });
    await expect(me(http)).rejects.toMatchObject({ reason: 'schema', issues: ['id', 'display_name'] });
  });

  it('serves the upstream metrics on the management endpoint', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        MetricsModule.forRoot({ port: 0, host: '127.0.0.1', defaultMetrics: false }),
        ResilientHttpModule.forFeature({ name: 'music', baseURL: fake.url, ...fast }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication(new FastifyAdapter());
    await app.init();
    closers.push(() => app.close());
    const http = app.get<ResilientHttpClient>(getResilientClientToken('music'));
    fake.behave({ path: '/v1/me', mode: 'fail', status: 502, times: 1 });
    await me(http);
    await expect(me(http, 'bad')).rejects.toBeInstanceOf(AccessTokenRejectedError);

    const text = await (await fetch(`http://127.0.0.1:${app.get(MetricsServer).port()}/metrics`)).text();
    expect(text).toContain('upstream_requests_total{provider="music",operation="me",outcome="success"} 1');
    expect(text).toContain(
      'upstream_requests_total{provider="music",operation="me",outcome="rejected_token"} 1',
    );
    expect(text).toContain('upstream_retries_total{provider="music",reason="502"} 1');
    expect(text).toContain('upstream_circuit_state{provider="music"} 0');
    expect(text).toContain('upstream_request_duration_seconds_count{provider="music",operation="me"} 2');
    expect(text).toMatch(
      /upstream_request_duration_seconds_bucket\{le="0\.01",provider="music",operation="me"\}/,
    );
    expect(text).toMatch(
      /upstream_request_duration_seconds_bucket\{le="8",provider="music",operation="me"\}/,
    );
    expect(text).not.toContain(fake.url);
  });
});
