import { describeWithRedis, RedisServer } from '../support/redis-server';
import type { ReceivedSpan } from '../support/otlp-receiver';
import { alexaRequest } from '../../tools/alexa-request/envelope.ts';
import {
  exportEverySecret,
  has,
  newTraceparent,
  parseTraceparent,
  span,
  startTracedApp,
  type TracedApp,
} from './traced-app';

// Traces from the ingress's traceparent to every upstream attempt, exported over OTLP http/protobuf (the SDK's
// default protocol) to a receiver on 127.0.0.1, with the state shared through a real redis-server.

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

describeWithRedis()('traces exported over OTLP http/protobuf', () => {
  let redis: RedisServer;
  let a: TracedApp;

  beforeAll(async () => {
    redis = await RedisServer.start();
    a = await startTracedApp(
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_SERVICE_NAME: 'skill-service-under-test' },
      {
        REDIS_URL: redis.url,
        MUSIC_API_RETRY_BASE_DELAY_MS: '1',
        MUSIC_API_RETRY_MAX_DELAY_MS: '2',
        PROGRESSIVE_RESPONSE_DELAY_MS: '50',
      },
    );
  });
  afterAll(async () => {
    await a?.close();
    await redis?.stop();
  });
  beforeEach(() => a.fake.reset());

  const linkedWhatsPlaying = async (traceparent: string): Promise<void> => {
    const res = await a.t.alexa(a.linked().intent('WhatsPlayingIntent'), { traceparent });
    expect(res.statusCode).toBe(200);
  };

  it('continues the ingress trace: request, verification, handler, state store and upstream spans, parent to child', async () => {
    const given = newTraceparent();
    await linkedWhatsPlaying(given.header);
    const spans = await a.trace(
      given.traceId,
      has(
        'POST /alexa',
        'alexa.verify.signature',
        'alexa.verify.envelope',
        'alexa.handler',
        'upstream.attempt',
      ),
    );
    const request = span(spans, 'POST /alexa');
    expect(request).toMatchObject({
      parentSpanId: given.parentId,
      kind: SERVER,
      attributes: { 'http.request.method': 'POST', 'http.route': '/alexa', 'http.response.status_code': 200 },
      resource: { 'service.name': 'skill-service-under-test' },
    });
    const childOf = (parent: ReceivedSpan) => (name: string) =>
      span(spans, name).parentSpanId === parent.spanId;
    expect(['alexa.verify.signature', 'alexa.verify.envelope', 'alexa.handler'].every(childOf(request))).toBe(
      true,
    );
    expect(['hit', 'pending', 'miss']).toContain(
      span(spans, 'alexa.verify.signature').attributes['alexa.certificate.cache'],
    );
    // Replay protection claims the request ID in Redis, inside the envelope check.
    expect(span(spans, 'state_store.claim')).toMatchObject({
      parentSpanId: span(spans, 'alexa.verify.envelope').spanId,
      attributes: { 'db.system.name': 'redis', 'state_store.operation': 'claim' },
    });
    const handler = span(spans, 'alexa.handler');
    expect(handler.attributes).toEqual({
      'alexa.request.type': 'IntentRequest',
      'alexa.intent.name': 'WhatsPlayingIntent',
      'alexa.handler': 'WhatsPlayingHandler',
      'alexa.outcome': 'ok',
    });
    const call = span(spans, 'upstream.call');
    expect(call).toMatchObject({
      parentSpanId: handler.spanId,
      attributes: {
        'upstream.provider': 'music',
        'upstream.operation': 'currently_playing',
        'upstream.outcome': 'success',
        'upstream.attempts': 1,
      },
    });
    expect(span(spans, 'upstream.attempt')).toMatchObject({
      parentSpanId: call.spanId,
      kind: CLIENT,
      attributes: {
        'upstream.provider': 'music',
        'upstream.operation': 'currently_playing',
        'http.request.method': 'GET',
        'http.response.status_code': 204,
        'upstream.retry': 0,
        'upstream.breaker.state': 'closed',
      },
    });
  });

  it("sends each upstream attempt, retries included, the traceparent of that attempt's own span", async () => {
    a.fake.behave({ path: '/v1/me/player/currently-playing', mode: 'fail', status: 503, times: 1 });
    const given = newTraceparent();
    await linkedWhatsPlaying(given.header);
    const spans = await a.trace(
      given.traceId,
      (s) => s.filter((x) => x.name === 'upstream.attempt').length === 2,
    );
    const attempts = spans.filter((s) => s.name === 'upstream.attempt');
    expect(
      attempts.map((s) => [s.attributes['upstream.retry'], s.attributes['http.response.status_code']]),
    ).toEqual([
      [0, 503],
      [1, 204],
    ]);
    expect(attempts[0]).toMatchObject({ statusCode: ERROR, attributes: { 'error.type': 'server_error' } });
    expect(attempts[1].attributes['http.request.resend_count']).toBe(1);
    const received = a.fake
      .requests()
      .filter((r) => r.path === '/v1/me/player/currently-playing')
      .map((r) => parseTraceparent(r.traceparent));
    expect(received).toEqual(attempts.map((s) => ({ traceId: given.traceId, spanId: s.spanId })));
  });

  it('starts a new trace when the request carries no traceparent', async () => {
    const res = await a.t.alexa(a.linked().intent('WhatsPlayingIntent'));
    expect(res.statusCode).toBe(200);
    const { traceId } = parseTraceparent(a.fake.requests()[0]?.traceparent);
    const spans = await a.trace(traceId, has('POST /alexa', 'upstream.attempt'));
    expect(span(spans, 'POST /alexa').parentSpanId).toBe('');
    expect(traceId).not.toBe('0'.repeat(32));
  });

  it('traces the state store calls of persistent attributes, and a progressive response with its directive call', async () => {
    a.fake.behave({ path: '/v1/search', mode: 'held', times: 1 });
    const spoken = a.fake.nextResponse('/v1/directives');
    const given = newTraceparent();
    const answer = a.t.alexa(a.linked().intent('PlayMusicIntent', { query: 'Queen' }), {
      traceparent: given.header,
    });
    await spoken;
    a.fake.release();
    expect((await answer).statusCode).toBe(200);
    const spans = await a.trace(
      given.traceId,
      has('alexa.progressive_response', 'state_store.set', 'alexa.handler'),
    );
    const handler = span(spans, 'alexa.handler');
    const progressive = span(spans, 'alexa.progressive_response');
    expect(progressive).toMatchObject({
      parentSpanId: handler.spanId,
      attributes: { 'alexa.progressive_response.sent': true },
    });
    const directiveCall = spans.find(
      (s) => s.name === 'upstream.call' && s.attributes['upstream.operation'] === 'progressive_response',
    );
    expect(directiveCall).toMatchObject({
      parentSpanId: progressive.spanId,
      attributes: { 'upstream.provider': 'alexa-directives' },
    });
    const directive = a.fake.requests().find((r) => r.path === '/v1/directives');
    expect(parseTraceparent(directive?.traceparent).traceId).toBe(given.traceId);
    for (const name of ['state_store.get', 'state_store.set'])
      expect(span(spans, name).attributes['db.system.name']).toBe('redis');
  });

  it('marks a refused request and a handler failure as failed spans, naming the check or the outcome', async () => {
    const refused = newTraceparent();
    const res = await a.t.alexa(alexaRequest().launch(), {
      traceparent: refused.header,
      'signature-256': 'AAAA',
    });
    expect(res.statusCode).toBe(400);
    const failedVerification = await a.trace(refused.traceId, has('POST /alexa', 'alexa.verify.signature'));
    expect(span(failedVerification, 'alexa.verify.signature')).toMatchObject({
      statusCode: ERROR,
      attributes: { 'error.type': 'signature' },
    });
    expect(span(failedVerification, 'POST /alexa').attributes['http.response.status_code']).toBe(400);

    const exploded = newTraceparent();
    await a.t.alexa(alexaRequest().intent('ExplodeIntent'), { traceparent: exploded.header });
    const failedHandler = await a.trace(exploded.traceId, has('alexa.handler'));
    expect(span(failedHandler, 'alexa.handler')).toMatchObject({
      statusCode: ERROR,
      attributes: { 'alexa.outcome': 'handler_error', 'error.type': 'handler_error' },
    });
  });

  it('writes the trace and span IDs on log lines: the request line and lines written inside the handler', async () => {
    const given = newTraceparent();
    await a.t.alexa(alexaRequest().intent('ExplodeIntent'), { traceparent: given.header });
    const spans = await a.trace(given.traceId, has('POST /alexa', 'alexa.handler'));
    const lines = a.t.logs.entries().filter((line) => line.trace_id === given.traceId);
    const completed = lines.find((line) => line.msg === 'request completed');
    expect(completed).toMatchObject({ span_id: span(spans, 'POST /alexa').spanId, trace_flags: '01' });
    const failure = lines.find((line) => line.msg === 'skill handler failed');
    expect(failure).toMatchObject({ span_id: span(spans, 'alexa.handler').spanId });
  });

  it('exports no token, signature, user ID or body: not in any attribute, event or resource', async () => {
    const secrets = await exportEverySecret(a);
    const exported = a.receiver.rawText();
    for (const secret of secrets)
      expect({ secret, exported: exported.includes(secret) }).toEqual({ secret, exported: false });
    expect(new Set(a.receiver.contentTypes)).toEqual(new Set(['application/x-protobuf']));
  });
});
