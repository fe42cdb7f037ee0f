import { createHash } from 'node:crypto';
import { alexaRequest } from '../../tools/alexa-request/envelope.ts';
import { type FakeMusicApi, startFakeMusicApi } from '../../tools/fake-music-api.ts';
import { CountingResponseInterceptor, TestDomainModule } from '../support/test-domain.module';
import { BUILT_IN_APOLOGY, createTestApp, metricValue, type TestApp } from '../support/test-app';

describe('the skill endpoint (POST /alexa)', () => {
  let t: TestApp;
  let music: FakeMusicApi;

  beforeAll(async () => {
    music = await startFakeMusicApi({ tokens: { 'skill-test-token': { displayName: 'Ada Lovelace' } } });
    t = await createTestApp({ imports: [TestDomainModule], env: { MUSIC_API_BASE_URL: music.url } });
  });
  afterAll(async () => {
    await t.close();
    await music.close();
  });

  it("answers an unlinked LaunchRequest with the music module's link card (its Launch handler replaces the built-in)", async () => {
    const res = await t.alexa(alexaRequest().launch());
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.version).toBe('1.0');
    expect(body.response.card).toEqual({ type: 'LinkAccount' });
    expect(body.response.shouldEndSession).toBe(true);
  });

  it('answers a linked LaunchRequest by greeting the user by display name, with a reprompt', async () => {
    const res = await t.alexa(alexaRequest().launch().linked('skill-test-token'));
    expect(res.statusCode).toBe(200);
    expect(res.json().response).toEqual({
      outputSpeech: {
        type: 'SSML',
        ssml: '<speak>Welcome back, Ada Lovelace! What would you like to hear?</speak>',
      },
      reprompt: {
        outputSpeech: {
          type: 'SSML',
          ssml: '<speak>You can say: play Queen, or ask what is playing.</speak>',
        },
      },
      shouldEndSession: false,
    });
  });

  it('speaks the built-in texts in the request locale', async () => {
    const res = await t.alexa(alexaRequest().intent('AMAZON.StopIntent').locale('de-DE'));
    expect(res.json().response.outputSpeech.ssml).toBe('<speak>Tschüss!</speak>');
  });

  it('falls back to the language, then to en-US, for other locales', async () => {
    const austrian = await t.alexa(alexaRequest().intent('AMAZON.StopIntent').locale('de-AT'));
    expect(austrian.json().response.outputSpeech.ssml).toBe('<speak>Tschüss!</speak>');
    const japanese = await t.alexa(alexaRequest().intent('AMAZON.StopIntent').locale('ja-JP'));
    expect(japanese.json().response.outputSpeech.ssml).toBe('<speak>Goodbye!</speak>');
  });

  it('routes a custom intent to a handler that a domain module registered with a decorator', async () => {
    const res = await t.alexa(alexaRequest().intent('EchoIntent', { text: 'rock & roll <loud>' }));
    expect(res.statusCode).toBe(200);
    expect(res.json().response).toEqual({
      outputSpeech: { type: 'SSML', ssml: '<speak>You said rock &amp; roll &lt;loud&gt;</speak>' },
      shouldEndSession: true,
    });
  });

  it('lets a handler read the ID entity resolution matched a slot to, and see a value that matched none', async () => {
    const matched = await t.alexa(
      alexaRequest().intent('GenreIntent', {
        genre: { value: 'heavy metal', resolved: { id: 'METAL', name: 'metal' }, type: 'GENRE' },
      }),
    );
    expect(matched.json().response.outputSpeech.ssml).toBe('<speak>Genre METAL.</speak>');
    const unmatched = await t.alexa(
      alexaRequest().intent('GenreIntent', { genre: { value: 'polka fusion', resolved: 'no-match' } }),
    );
    expect(unmatched.json().response.outputSpeech.ssml).toBe('<speak>No such genre.</speak>');
  });

  it('runs the response interceptors that modules declare', async () => {
    const interceptor = t.app.get(CountingResponseInterceptor);
    const before = interceptor.count;
    await t.alexa(alexaRequest().launch());
    expect(interceptor.count).toBe(before + 1);
  });

  it("answers AMAZON.HelpIntent with the music module's help line, then the core's, and keeps the session open", async () => {
    const body = (await t.alexa(alexaRequest().intent('AMAZON.HelpIntent'))).json();
    expect(body.response).toEqual({
      outputSpeech: {
        type: 'SSML',
        ssml:
          '<speak>You can ask me to play music, or ask what is playing. ' +
          'You can say stop at any time. What would you like to do?</speak>',
      },
      reprompt: { outputSpeech: { type: 'SSML', ssml: '<speak>What would you like to do?</speak>' } },
      shouldEndSession: false,
    });
  });

  it("speaks the music module's help line in German for de-DE and de-AT", async () => {
    for (const locale of ['de-DE', 'de-AT']) {
      const body = (await t.alexa(alexaRequest().intent('AMAZON.HelpIntent').locale(locale))).json();
      expect(body.response.outputSpeech.ssml).toBe(
        '<speak>Du kannst mich bitten, Musik zu spielen, oder fragen, was gerade läuft. ' +
          'Du kannst jederzeit Stopp sagen. Was möchtest du tun?</speak>',
      );
    }
  });

  it.each(['AMAZON.StopIntent', 'AMAZON.CancelIntent'])(
    'says goodbye and ends the session on %s',
    async (intent) => {
      const body = (await t.alexa(alexaRequest().intent(intent))).json();
      expect(body.response.outputSpeech.ssml).toBe('<speak>Goodbye!</speak>');
      expect(body.response.shouldEndSession).toBe(true);
    },
  );

  it('answers AMAZON.FallbackIntent, and intents nobody registered, with the fallback text', async () => {
    for (const intent of ['AMAZON.FallbackIntent', 'NobodyKnowsThisIntent']) {
      const body = (await t.alexa(alexaRequest().intent(intent))).json();
      expect(body.response.outputSpeech.ssml).toContain("Sorry, I can't help with that");
    }
  });

  it('answers SessionEndedRequest with an empty response', async () => {
    const res = await t.alexa(alexaRequest().sessionEnded('USER_INITIATED'));
    expect(res.statusCode).toBe(200);
    expect(res.json().response).toEqual({});
  });

  it('turns a handler that throws into a spoken apology with HTTP 200, and logs the error with the request ID', async () => {
    const res = await t.alexa(
      alexaRequest().intent('ExplodeIntent').requestId('amzn1.echo-api.request.explode-1'),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().response).toEqual(BUILT_IN_APOLOGY);
    const line = t.logs.entries().find((e) => e.msg === 'skill handler failed');
    expect(line).toMatchObject({
      requestId: 'amzn1.echo-api.request.explode-1',
      handler: 'ExplodeIntentHandler',
    });
    expect(JSON.stringify(line)).toContain('the test handler exploded');
    const metrics = await t.metrics();
    expect(
      metricValue(metrics, 'alexa_requests_total', { intent: 'ExplodeIntent', outcome: 'handler_error' }),
    ).toBe(1);
  });

  it('refuses a response whose speech exceeds 8,000 characters and sends the apology instead', async () => {
    const res = await t.alexa(alexaRequest().intent('TooLongIntent'));
    expect(res.statusCode).toBe(200);
    expect(res.json().response.outputSpeech.ssml).toContain('Sorry, something went wrong');
    expect(t.logs.text()).toContain('response refused: output speech has 8016 characters (limit 8000)');
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await t.alexa('{"version": "1.0", "request": ');
    expect(res.statusCode).toBe(400);
  });

  it('rejects JSON that is not a request envelope with 400', async () => {
    expect((await t.alexa({ hello: 'world' })).statusCode).toBe(400);
    expect((await t.alexa('[1,2,3]')).statusCode).toBe(400);
  });

  it('rejects a body with a prototype-pollution key with 400', async () => {
    const res = await t.alexa(
      '{"version":"1.0","__proto__":{"polluted":true},"request":{"type":"LaunchRequest","requestId":"x"}}',
    );
    expect(res.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects a wrong content type with 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/alexa',
      headers: { 'content-type': 'text/plain' },
      payload: 'hi',
    });
    expect(res.statusCode).toBe(415);
    const form = await t.app.inject({
      method: 'POST',
      url: '/alexa',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=b',
    });
    expect(form.statusCode).toBe(415);
  });

  it('rejects a body over the limit (default 128 KiB) with 413', async () => {
    const huge = alexaRequest()
      .intent('EchoIntent', { text: 'x'.repeat(131_072) })
      .body();
    expect((await t.alexa(huge)).statusCode).toBe(413);
  });

  it('answers unknown routes with 404', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/nope' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/alexa' })).statusCode).toBe(404);
  });

  it('keeps the exact raw request bytes available after parsing', async () => {
    const payload = '{ "a" :  "ünïcödé",\n  "b": [1, 2.50] }';
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/raw-body',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(res.json()).toEqual({
      sha256: createHash('sha256').update(Buffer.from(payload, 'utf8')).digest('hex'),
      parsed: { a: 'ünïcödé', b: [1, 2.5] },
    });
  });

  it('writes one log line per request with request type, intent, outcome and latency', async () => {
    await t.alexa(
      alexaRequest().intent('EchoIntent', { text: 'hi' }).requestId('amzn1.echo-api.request.log-1'),
    );
    const line = t.logs
      .entries()
      .find(
        (e) => (e.alexa as { requestId?: string } | undefined)?.requestId === 'amzn1.echo-api.request.log-1',
      );
    expect(line).toMatchObject({
      msg: 'request completed',
      route: '/alexa',
      status: 200,
      alexa: {
        requestType: 'IntentRequest',
        intent: 'EchoIntent',
        handler: 'EchoIntentHandler',
        outcome: 'ok',
      },
    });
    expect(typeof line?.latencyMs).toBe('number');
  });

  it('counts requests by route and status class, with bounded labels', async () => {
    await t.app.inject({ method: 'GET', url: `/random-${Date.now()}` });
    const metrics = await t.metrics();
    expect(
      metricValue(metrics, 'http_requests_total', { route: 'unmatched', status_class: '4xx' }),
    ).toBeGreaterThanOrEqual(1);
    expect(metrics).not.toContain('random-');
    expect(
      metricValue(metrics, 'alexa_requests_total', {
        request_type: 'IntentRequest',
        intent: 'other',
        outcome: 'ok',
      }),
    ).toBe(1);
  });
});

describe('the skill endpoint with a configured path and body limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ALEXA_ENDPOINT_PATH: '/skills/music', BODY_LIMIT_BYTES: '4096' } });
  });
  afterAll(() => t.close());

  it('serves the skill on ALEXA_ENDPOINT_PATH only', async () => {
    expect((await t.alexa(alexaRequest().intent('AMAZON.HelpIntent'))).statusCode).toBe(200);
    const old = await t.app.inject({
      method: 'POST',
      url: '/alexa',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(old.statusCode).toBe(404);
  });

  it('applies BODY_LIMIT_BYTES', async () => {
    expect((await t.alexa(alexaRequest().intent('X', { text: 'y'.repeat(5000) }))).statusCode).toBe(413);
  });
});
