import { Logger } from '@nestjs/common';
import { scriptedUpstream, settle } from '../../../../test/support/scripted-upstream';
import type { Reply } from '../../../../test/support/scripted-upstream';
import { UpstreamRateLimitedError, UpstreamUnavailableError } from '../errors';

// The policy stack as a client's caller sees it, on a scripted adapter and jest's fake timers.

describe('UpstreamPolicies (through the client)', () => {
  const { client, metric } = scriptedUpstream();

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
});
