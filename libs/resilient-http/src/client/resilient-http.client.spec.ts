import { Logger } from '@nestjs/common';
import { AxiosError, CanceledError } from 'axios';
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { Registry } from 'prom-client';
import { z } from 'zod';
import {
  AccessForbiddenError,
  AccessTokenRejectedError,
  UpstreamBadResponseError,
  UpstreamClientError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from '../errors';
import type { ResilientClientDefinition } from '../resilient-http-options.interface';
import { ResilientHttpClient } from './resilient-http.client';

// Unit level: a scripted axios adapter stands in for the network, and jest's fake timers drive the
// attempt timeouts, backoff waits and the breaker's half-open delay. The e2e suite repeats the important
// scenarios against the real fake music API.

type Reply =
  | { status: number; body?: string; headers?: Record<string, string> }
  | 'hang'
  | 'network'
  | 'too-large'
  | 'stream-aborted';

function scriptedAdapter(replies: Reply[], fallback: Reply = { status: 200, body: '{}' }) {
  const seen: InternalAxiosRequestConfig[] = [];
  const adapter = (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
    seen.push(config);
    const reply = replies.shift() ?? fallback;
    if (reply === 'network') {
      return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    }
    if (reply === 'too-large' || reply === 'stream-aborted') {
      const message =
        reply === 'too-large' ? 'maxContentLength size of 1048576 exceeded' : 'stream has been aborted';
      return Promise.reject(new AxiosError(message, AxiosError.ERR_BAD_RESPONSE, config));
    }
    if (reply === 'hang') {
      return new Promise((_, reject) => {
        config.signal?.addEventListener?.('abort', () => reject(new CanceledError()));
      });
    }
    return Promise.resolve({
      status: reply.status,
      statusText: '',
      data: reply.body ?? '',
      headers: reply.headers ?? {},
      config,
      request: {},
    });
  };
  return { adapter, seen };
}

describe('ResilientHttpClient', () => {
  let registry: Registry;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    registry = new Registry();
  });
  afterEach(() => jest.useRealTimers());

  function client(replies: Reply[], options: Partial<ResilientClientDefinition> = {}, fallback?: Reply) {
    const script = scriptedAdapter(replies, fallback);
    const http = new ResilientHttpClient(
      {
        name: 'music',
        baseURL: 'http://upstream.test',
        random: () => 0.5,
        ...options,
        axios: { adapter: script.adapter },
      },
      registry,
    );
    return { http, seen: script.seen };
  }

  async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; elapsed: number }> {
    const start = Date.now();
    const outcome: { value?: T; error?: unknown } = {};
    promise.then(
      (value) => (outcome.value = value),
      (error: unknown) => (outcome.error = error),
    );
    while (!('value' in outcome) && !('error' in outcome)) await jest.advanceTimersByTimeAsync(1);
    return { ...outcome, elapsed: Date.now() - start };
  }

  async function metric(name: string, labels: Record<string, string>): Promise<number | undefined> {
    const data = await registry.getSingleMetric(name)?.get();
    return data?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value;
  }

  describe('retries', () => {
    it('retries a 503 twice with full-jitter backoff, then returns the answer', async () => {
      const { http, seen } = client([{ status: 503 }, { status: 503 }, { status: 200, body: '{"ok":true}' }]);
      const result = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(result.value?.data).toEqual({ ok: true });
      expect(seen).toHaveLength(3);
      // random 0.5: 0.5 * 100 ms, then 0.5 * 200 ms
      expect(result.elapsed).toBeGreaterThanOrEqual(150);
      expect(result.elapsed).toBeLessThan(170);
      expect(await metric('upstream_retries_total', { provider: 'music', reason: '503' })).toBe(2);
      expect(
        await metric('upstream_requests_total', { provider: 'music', operation: 'me', outcome: 'success' }),
      ).toBe(1);
    });

    it('gives up after maxRetries with UpstreamUnavailableError(server_error)', async () => {
      const { http, seen } = client([], { retry: { maxRetries: 1 } }, { status: 502 });
      const { error } = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect(error).toMatchObject({
        reason: 'server_error',
        status: 502,
        provider: 'music',
        operation: 'me',
      });
      expect(seen).toHaveLength(2);
    });

    it('does not retry a 500', async () => {
      const { http, seen } = client([{ status: 500 }]);
      const { error } = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(error).toMatchObject({ reason: 'server_error', status: 500 });
      expect(seen).toHaveLength(1);
    });

    it('retries network errors', async () => {
      const { http, seen } = client(['network', { status: 200, body: '{}' }]);
      await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(seen).toHaveLength(2);
      expect(await metric('upstream_retries_total', { provider: 'music', reason: 'network' })).toBe(1);
    });

    it('does not retry a POST', async () => {
      const { http, seen } = client([{ status: 503 }, { status: 204 }]);
      const { error } = await settle(
        http.request({ operation: 'create', method: 'POST', url: '/x', data: {} }),
      );
      expect(error).toMatchObject({ reason: 'server_error', status: 503 });
      expect(seen).toHaveLength(1);
    });

    it('retries a POST the caller declares idempotent', async () => {
      const { http, seen } = client([{ status: 503 }, { status: 204 }]);
      const { value } = await settle(
        http.request({ operation: 'create', method: 'POST', url: '/x', data: {}, idempotent: true }),
      );
      expect(value?.status).toBe(204);
      expect(seen).toHaveLength(2);
    });

    it('never retries a 4xx other than 429', async () => {
      for (const status of [400, 401, 403, 404, 409]) {
        const { http, seen } = client([{ status }, { status: 200 }]);
        await settle(http.request({ operation: 'me', url: '/v1/me' }));
        expect(seen).toHaveLength(1);
      }
    });
  });

  describe('Retry-After', () => {
    it('waits the Retry-After when it fits the budget', async () => {
      const { http, seen } = client([
        { status: 429, headers: { 'retry-after': '1' } },
        { status: 200, body: '{}' },
      ]);
      const result = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(result.value?.status).toBe(200);
      expect(seen).toHaveLength(2);
      expect(result.elapsed).toBeGreaterThanOrEqual(1000);
      expect(result.elapsed).toBeLessThan(1010);
      expect(await metric('upstream_retries_total', { provider: 'music', reason: '429' })).toBe(1);
    });

    it('fails fast with UpstreamRateLimitedError when the Retry-After is beyond the budget', async () => {
      const { http, seen } = client([{ status: 429, headers: { 'retry-after': '5' } }]);
      const result = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(result.error).toBeInstanceOf(UpstreamRateLimitedError);
      expect(result.error).toMatchObject({ retryAfterMs: 5000 });
      expect(result.elapsed).toBeLessThan(5);
      expect(seen).toHaveLength(1);
    });

    it('honours a Retry-After on 503 too', async () => {
      const { http } = client([{ status: 503, headers: { 'retry-after': '3' } }]);
      const result = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(result.error).toMatchObject({ reason: 'server_error', status: 503 });
      expect(result.elapsed).toBeLessThan(5);
    });
  });

  describe('timeouts and budget', () => {
    it('cuts a hanging attempt at the attempt timeout and retries', async () => {
      const { http, seen } = client(['hang', { status: 200, body: '{}' }], { attemptTimeoutMs: 300 });
      const result = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(result.value?.status).toBe(200);
      expect(seen).toHaveLength(2);
      expect(result.elapsed).toBeGreaterThanOrEqual(300);
      expect(await metric('upstream_retries_total', { provider: 'music', reason: 'timeout' })).toBe(1);
    });

    it('never runs past the total budget, however many retries are left', async () => {
      const { http } = client(
        [],
        { totalBudgetMs: 2500, attemptTimeoutMs: 1000, retry: { maxRetries: 10 } },
        'hang',
      );
      const result = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(result.error).toBeInstanceOf(UpstreamUnavailableError);
      expect((result.error as UpstreamUnavailableError).reason).toMatch(/^(timeout|budget_exhausted)$/);
      expect(result.elapsed).toBeLessThanOrEqual(2500);
    });

    it('lets an earlier caller deadline win over the budget', async () => {
      const { http } = client([], { totalBudgetMs: 2500, attemptTimeoutMs: 1000 }, 'hang');
      const result = await settle(
        http.request({ operation: 'me', url: '/v1/me', deadline: Date.now() + 400 }),
      );
      expect(result.error).toMatchObject({ reason: 'budget_exhausted' });
      expect(result.elapsed).toBe(400);
    });

    it('does not call out when the deadline has already passed', async () => {
      const { http, seen } = client([]);
      const result = await settle(http.request({ operation: 'me', url: '/v1/me', deadline: Date.now() - 1 }));
      expect(result.error).toMatchObject({ reason: 'budget_exhausted' });
      expect(seen).toHaveLength(0);
    });

    it('stops when the caller aborts', async () => {
      const { http } = client([], {}, 'hang');
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const result = await settle(
        http.request({ operation: 'me', url: '/v1/me', signal: controller.signal }),
      );
      expect(result.error).toMatchObject({ reason: 'aborted' });
      expect(result.elapsed).toBe(50);
    });
  });

  describe('circuit breaker', () => {
    const breaker = { consecutiveFailures: 3, halfOpenAfterMs: 5000 };

    it('opens after the threshold and then fails fast without calling out', async () => {
      const { http, seen } = client([], { retry: false, circuitBreaker: breaker }, { status: 503 });
      for (let i = 0; i < 3; i++) await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(http.circuitState()).toBe('open');
      const result = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(result.error).toMatchObject({ reason: 'circuit_open' });
      expect(seen).toHaveLength(3);
      expect(await metric('upstream_circuit_state', { provider: 'music' })).toBe(2);
      expect(
        await metric('upstream_circuit_transitions_total', { provider: 'music', from: 'closed', to: 'open' }),
      ).toBe(1);
      expect(
        await metric('upstream_requests_total', {
          provider: 'music',
          operation: 'me',
          outcome: 'circuit_open',
        }),
      ).toBe(1);
    });

    it('logs each transition', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn');
      const { http } = client([], { retry: false, circuitBreaker: breaker }, { status: 503 });
      for (let i = 0; i < 3; i++) await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(warn).toHaveBeenCalledWith(
        'circuit closed -> open (last failure: server_error 503); calls fail fast',
      );
      warn.mockRestore();
    });

    it('opens in the middle of a call and stops its retries', async () => {
      const { http, seen } = client(
        [],
        { retry: { maxRetries: 5 }, circuitBreaker: breaker },
        { status: 503 },
      );
      const result = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(result.error).toMatchObject({ reason: 'circuit_open' });
      expect(seen).toHaveLength(3);
    });

    it('lets one probe through after halfOpenAfter and closes on its success', async () => {
      const replies: Reply[] = [];
      const { http, seen } = client(replies, { retry: false, circuitBreaker: breaker }, { status: 503 });
      for (let i = 0; i < 3; i++) await settle(http.request({ operation: 'me', url: '/v1/me' }));
      await jest.advanceTimersByTimeAsync(4990);
      expect(await settle(http.request({ operation: 'me', url: '/v1/me' }))).toMatchObject({
        error: { reason: 'circuit_open' },
      });
      await jest.advanceTimersByTimeAsync(10);

      replies.push({ status: 200, body: '{}' });
      const probe = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(probe.value?.status).toBe(200);
      expect(seen).toHaveLength(4);
      expect(http.circuitState()).toBe('closed');
      expect(await metric('upstream_circuit_state', { provider: 'music' })).toBe(0);
      for (const [from, to] of [
        ['closed', 'open'],
        ['open', 'half_open'],
        ['half_open', 'closed'],
      ]) {
        expect(await metric('upstream_circuit_transitions_total', { provider: 'music', from, to })).toBe(1);
      }
    });

    it('fails other calls fast while the probe is in flight, and reopens when the probe fails', async () => {
      const replies: Reply[] = [];
      const { http, seen } = client(replies, { retry: false, circuitBreaker: breaker }, { status: 503 });
      for (let i = 0; i < 3; i++) await settle(http.request({ operation: 'me', url: '/v1/me' }));
      await jest.advanceTimersByTimeAsync(5000);

      replies.push('hang');
      const probe = http.request({ operation: 'me', url: '/v1/me' });
      probe.catch(() => undefined);
      await jest.advanceTimersByTimeAsync(1);
      expect(http.circuitState()).toBe('half_open');
      const other = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(other.error).toMatchObject({ reason: 'circuit_open' });
      expect(other.elapsed).toBeLessThan(2);
      expect(seen).toHaveLength(4);

      const probeResult = await settle(probe);
      expect(probeResult.error).toMatchObject({ reason: 'timeout' });
      expect(http.circuitState()).toBe('open');
    });

    it('does not count 4xx answers or rate limiting as failures', async () => {
      const replies: Reply[] = [
        { status: 404 },
        { status: 401 },
        { status: 429 },
        { status: 429 },
        { status: 400 },
      ];
      const { http, seen } = client(replies, { retry: false, circuitBreaker: breaker }, { status: 429 });
      for (let i = 0; i < 6; i++) await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(seen).toHaveLength(6);
      expect(http.circuitState()).toBe('closed');
    });
  });

  describe('bulkhead', () => {
    it('fails a call at once when the provider has maxConcurrent calls in flight', async () => {
      const { http, seen } = client(['hang'], { bulkhead: { maxConcurrent: 1 }, retry: false });
      const first = http.request({ operation: 'me', url: '/v1/me' });
      first.catch(() => undefined);
      const second = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(second.error).toMatchObject({ reason: 'bulkhead_full' });
      expect(seen).toHaveLength(1);
      await settle(first);
    });
  });

  describe('answers and typed errors', () => {
    it('sends the token as a bearer header and keeps it out of errors', async () => {
      const { http, seen } = client([{ status: 401 }]);
      const { error } = await settle(
        http.request({ operation: 'me', url: '/v1/me', accessToken: 's3cr3t-token' }),
      );
      expect(seen[0].headers.get('authorization')).toBe('Bearer s3cr3t-token');
      expect(error).toBeInstanceOf(AccessTokenRejectedError);
      expect(error).toMatchObject({ provider: 'music', operation: 'me', status: 401 });
      expect(JSON.stringify(error)).not.toContain('s3cr3t');
      expect(String((error as Error).stack)).not.toContain('s3cr3t');
      expect(Object.values(error as object).join(' ')).not.toContain('s3cr3t');
    });

    it('maps 403 to AccessForbiddenError', async () => {
      const { http } = client([{ status: 403 }]);
      const { error } = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(error).toBeInstanceOf(AccessForbiddenError);
    });

    it("maps other 4xx to UpstreamClientError with the upstream's reason", async () => {
      const body = JSON.stringify({
        error: { status: 404, message: 'No active device', reason: 'NO_ACTIVE_DEVICE' },
      });
      const { http } = client([{ status: 404, body }]);
      const { error } = await settle(
        http.request({ operation: 'play', method: 'PUT', url: '/v1/me/player/play' }),
      );
      expect(error).toBeInstanceOf(UpstreamClientError);
      expect(error).toMatchObject({ status: 404, upstreamReason: 'NO_ACTIVE_DEVICE' });
    });

    it('returns undefined data for a 204', async () => {
      const { http } = client([{ status: 204 }]);
      const { value } = await settle(
        http.request({ operation: 'now', url: '/x', schema: z.object({ a: z.string() }) }),
      );
      expect(value).toMatchObject({ status: 204, data: undefined });
    });

    it('validates a body with the schema', async () => {
      const { http } = client([{ status: 200, body: '{"display_name":"Ada","id":"u1","extra":1}' }]);
      const schema = z.object({ display_name: z.string(), id: z.string() });
      const { value } = await settle(http.getJson('me', '/v1/me', schema));
      expect(value).toEqual({ display_name: 'Ada', id: 'u1' });
    });

    it('rejects a schema-invalid body with the paths, not the values', async () => {
      const { http } = client([{ status: 200, body: '{"display_name":42}' }]);
      const schema = z.object({ display_name: z.string(), id: z.string() });
      const { error } = await settle(http.getJson('me', '/v1/me', schema));
      expect(error).toBeInstanceOf(UpstreamBadResponseError);
      expect(error).toMatchObject({ reason: 'schema', issues: ['display_name', 'id'] });
      expect((error as Error).message).not.toContain('42');
      expect(await metric('upstream_requests_total', { operation: 'me', outcome: 'bad_response' })).toBe(1);
    });

    it('rejects an unparseable body', async () => {
      const { http } = client([{ status: 200, body: '{"display_name": ' }]);
      const { error } = await settle(http.getJson('me', '/v1/me', z.object({})));
      expect(error).toMatchObject({ reason: 'unparseable' });
    });

    it('rejects an empty body where getJson needs one', async () => {
      const { http } = client([{ status: 204 }]);
      const { error } = await settle(http.getJson('me', '/v1/me', z.object({})));
      expect(error).toMatchObject({ reason: 'schema' });
    });

    it('rejects a body over maxResponseBytes without retrying', async () => {
      const { http, seen } = client(['too-large']);
      const { error } = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(error).toBeInstanceOf(UpstreamBadResponseError);
      expect(error).toMatchObject({ reason: 'too_large' });
      expect(seen).toHaveLength(1);
    });

    it('treats a response cut off mid-body as a network failure (retried)', async () => {
      const { http, seen } = client(['stream-aborted', { status: 200, body: '{}' }]);
      const { value } = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(value?.status).toBe(200);
      expect(seen).toHaveLength(2);
    });

    it('reads response headers case-insensitively', async () => {
      const { http } = client([{ status: 200, body: '{}', headers: { etag: 'abc' } }]);
      const { value } = await settle(http.request({ operation: 'me', url: '/v1/me' }));
      expect(value?.header('ETag')).toBe('abc');
      expect(value?.header('missing')).toBeUndefined();
    });

    it('records the duration of each call, backoff included', async () => {
      const { http } = client([{ status: 503 }, { status: 200, body: '{}' }]);
      await settle(http.request({ operation: 'me', url: '/v1/me' }));
      const text = await registry.getSingleMetricAsString('upstream_request_duration_seconds');
      expect(text).toContain('upstream_request_duration_seconds_sum{provider="music",operation="me"} 0.05');
      expect(text).toContain(
        'upstream_request_duration_seconds_bucket{le="0.05",provider="music",operation="me"} 1',
      );
    });
  });

  describe("answers to calls made with the user's token", () => {
    it.each([200, 204, 401, 403, 404])('tells onTokenAnswer the final status %i', async (status) => {
      const statuses: number[] = [];
      const { http } = client([{ status }]);
      await settle(
        http.request({
          operation: 'me',
          url: '/me',
          accessToken: 't',
          onTokenAnswer: (s) => statuses.push(s),
        }),
      );
      expect(statuses).toEqual([status]);
    });

    it('says nothing for 429, 5xx (retried or not) and no answer, and only the final status of a retried call', async () => {
      const statuses: number[] = [];
      const onTokenAnswer = (s: number) => statuses.push(s);
      const { http } = client([
        { status: 503 },
        { status: 200, body: '{}' },
        { status: 500 },
        { status: 429 },
        'network',
      ]);
      await settle(http.request({ operation: 'me', url: '/me', accessToken: 't', onTokenAnswer }));
      await settle(
        http.request({ operation: 'me', url: '/me', accessToken: 't', onTokenAnswer, idempotent: false }),
      );
      await settle(
        http.request({ operation: 'me', url: '/me', accessToken: 't', onTokenAnswer, idempotent: false }),
      );
      await settle(
        http.request({ operation: 'me', url: '/me', accessToken: 't', onTokenAnswer, idempotent: false }),
      );
      expect(statuses).toEqual([200]);
    });

    it('says nothing about a call made without a token', async () => {
      const statuses: number[] = [];
      const { http } = client([{ status: 401 }]);
      await settle(http.request({ operation: 'me', url: '/me', onTokenAnswer: (s) => statuses.push(s) }));
      expect(statuses).toEqual([]);
    });
  });

  it('refuses nonsense settings at construction', () => {
    expect(() => new ResilientHttpClient({ name: 'x', totalBudgetMs: 0 })).toThrow(/totalBudgetMs/);
    expect(() => new ResilientHttpClient({ name: '' })).toThrow(/name/);
  });
});
