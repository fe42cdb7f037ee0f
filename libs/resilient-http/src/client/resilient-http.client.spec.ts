import { z } from 'zod';
import { scriptedUpstream, settle } from '../../../../test/support/scripted-upstream';
import {
  AccessForbiddenError,
  AccessTokenRejectedError,
  UpstreamBadResponseError,
  UpstreamClientError,
} from '../errors';
import { ResilientHttpClient } from './resilient-http.client';

// Answers and typed errors on a scripted adapter (test/support/scripted-upstream.ts); the policies'
// behaviour is in policy/upstream-policies.spec.ts.

describe('ResilientHttpClient', () => {
  const { client, metric, registry } = scriptedUpstream();

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

    describe("the provider's reason for other 4xx", () => {
      const errorReason = (body: unknown) => (body as { error?: { reason?: unknown } }).error?.reason;
      const reply = (reason: unknown) => ({
        status: 404,
        body: JSON.stringify({ error: { status: 404, message: 'No active device', reason } }),
      });
      const play = (http: ResilientHttpClient) =>
        settle(http.request({ operation: 'play', method: 'PUT', url: '/v1/me/player/play' }));

      it('maps other 4xx to UpstreamClientError with the reason the errorReason option reads', async () => {
        const { http } = client([reply('NO_ACTIVE_DEVICE')], { errorReason });
        const { error } = await play(http);
        expect(error).toBeInstanceOf(UpstreamClientError);
        expect(error).toMatchObject({ status: 404, upstreamReason: 'NO_ACTIVE_DEVICE' });
      });

      it('reads no reason without an errorReason option', async () => {
        const { http } = client([reply('NO_ACTIVE_DEVICE')]);
        const { error } = await play(http);
        expect(error).toMatchObject({ status: 404, upstreamReason: undefined });
      });

      it('drops a reason that is not a short token, and survives a body that is not JSON', async () => {
        const { http } = client([reply('no device, user 123 <script>'), { status: 404, body: '<html>' }], {
          errorReason,
        });
        expect((await play(http)).error).toMatchObject({ status: 404, upstreamReason: undefined });
        expect((await play(http)).error).toMatchObject({ status: 404, upstreamReason: undefined });
      });
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
      const text = await registry().getSingleMetricAsString('upstream_request_duration_seconds');
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
