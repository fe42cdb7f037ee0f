import { generateKeyPairSync } from 'node:crypto';
import { alexaRequest, type AlexaRequestBuilder } from '../../tools/alexa-request/envelope.ts';
import { signRequest, type SigningIdentity } from '../../tools/alexa-request/sign.ts';
import { type FakeMusicApi, startFakeMusicApi } from '../../tools/fake-music-api.ts';
import { TestDomainModule } from '../support/test-domain.module';
import { createTestApp, type TestApp } from '../support/test-app';
import { expectNothingInternal } from './support/error-body';
import { rawExchange, rawRequest } from './support/raw-http';
import { expectNoSecrets } from './support/secrets';
import { signingIdentity } from './support/signing-identity';

// Secrets: a broad set of scenarios (success, upstream 401/403/5xx/timeouts, handler crashes, skill
// events, every kind of refusal, HTTP-level errors) runs with logging at trace level and every line captured;
// then the logs, the metrics and every answer are searched for each token, signature, Authorization value and
// user ID used. Each secret is unique, so a hit cannot be a coincidence.

const unique = (label: string): string => `${label}-${Math.random().toString(36).slice(2, 10)}`;
const TOKENS = {
  ok: unique('tok-ok'),
  rejected: unique('tok-rejected'),
  forbidden: unique('tok-forbidden'),
  malformed: `${unique('tok malformed')} with spaces`,
};
const EVENT_TOKEN = unique('tok-event');
const BODY_MARKER = unique('body-marker');

describe('secrets never appear in logs, metrics or answers', () => {
  let t: TestApp;
  let music: FakeMusicApi;
  let identity: SigningIdentity;
  const secrets: string[] = [...Object.values(TOKENS), EVENT_TOKEN];
  const answers: string[] = [];
  const errorBodies: string[] = [];
  let userSerial = 0;

  beforeAll(async () => {
    music = await startFakeMusicApi({
      tokens: { [TOKENS.ok]: { displayName: 'Secretive' } },
      insufficientScopeTokens: [TOKENS.forbidden],
      control: false,
    });
    const signing = await signingIdentity();
    identity = signing.identity;
    t = await createTestApp({
      imports: [TestDomainModule],
      env: {
        ...signing.env,
        LOG_LEVEL: 'trace',
        MUSIC_API_BASE_URL: music.url,
        MUSIC_API_ATTEMPT_TIMEOUT_MS: '200',
        MUSIC_API_TOTAL_BUDGET_MS: '500',
        MUSIC_API_BREAKER_FAILURES: '1000',
        PROGRESSIVE_RESPONSE_DELAY_MS: '0',
        ALEXA_API_ENDPOINT_ALLOW_ANY: 'true',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await music?.close();
  });

  /** Sends an envelope with a fresh user ID, API access token and Authorization header, all recorded as secrets. */
  async function send(
    builder: AlexaRequestBuilder,
    edit: { sign?: 'valid' | 'tamper' | 'other-key' | 'garbage'; certUrl?: string } = {},
  ): Promise<number> {
    const userId = `amzn1.ask.account.${unique('USER')}${++userSerial}`;
    const apiAccessToken = unique('api-access-token');
    const authorization = `Bearer ${unique('auth')}`;
    const envelope = builder.user(userId).apiEndpoint(music.url).build() as {
      context: { System: { apiAccessToken: string } };
    };
    envelope.context.System.apiAccessToken = apiAccessToken;
    const body = JSON.stringify(envelope);
    const key =
      edit.sign === 'other-key'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
        : identity.privateKey;
    const signature = signRequest(body, { privateKey: key, certUrl: edit.certUrl ?? identity.certUrl });
    if (edit.sign === 'garbage')
      signature['Signature-256'] = Buffer.from(unique('garbage-sig')).toString('base64');
    secrets.push(
      userId,
      apiAccessToken,
      authorization,
      authorization.slice('Bearer '.length),
      signature['Signature-256'],
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/alexa',
      headers: {
        'content-type': 'application/json',
        authorization,
        cookie: `session=${apiAccessToken}`,
        ...signature,
      },
      payload: edit.sign === 'tamper' ? body.replace('"1.0"', '"1.1"') : body,
    });
    answers.push(res.body, JSON.stringify(res.headers));
    if (res.statusCode >= 400) errorBodies.push(res.body);
    return res.statusCode;
  }

  it('runs the scenarios (each answered as expected)', async () => {
    const linked = (token: string) => [
      alexaRequest().launch().linked(token),
      alexaRequest().intent('WhatsPlayingIntent').linked(token),
      alexaRequest().intent('PlayMusicIntent', { query: BODY_MARKER }).linked(token),
      alexaRequest().intent('PlayMusicIntent', { query: 'Queen' }).linked(token),
      alexaRequest().intent('AMAZON.PauseIntent').linked(token),
    ];
    // Success, token rejected (401), missing scope (403), malformed token: all 200 answers.
    for (const token of Object.values(TOKENS)) for (const b of linked(token)) expect(await send(b)).toBe(200);
    // The upstream failing in each way, with a valid token in the Authorization header it receives.
    for (const behaviour of [
      { mode: 'fail', status: 503 },
      { mode: 'hang' },
      { mode: 'malformed' },
      { mode: '429', retryAfter: 1 },
      { mode: 'invalid' },
      { mode: '401' },
    ] as const) {
      music.reset();
      music.behave(behaviour);
      for (const b of linked(TOKENS.ok)) expect(await send(b)).toBe(200);
    }
    music.reset();
    // Handlers that throw or answer too much, unlinked users, built-ins.
    for (const b of [
      alexaRequest().intent('ExplodeIntent').linked(TOKENS.ok),
      alexaRequest().intent('TooLongIntent').linked(TOKENS.ok),
      alexaRequest().intent('EchoIntent', { text: BODY_MARKER }).linked(TOKENS.ok),
      alexaRequest().launch(),
      alexaRequest().intent('AMAZON.HelpIntent').linked(TOKENS.ok),
      alexaRequest().sessionEnded('ERROR').linked(TOKENS.ok),
    ]) {
      expect(await send(b)).toBe(200);
    }
    // Skill events, the account-linked one carrying the new token.
    for (const type of [
      'AlexaSkillEvent.SkillAccountLinked',
      'AlexaSkillEvent.SkillEnabled',
      'AlexaSkillEvent.SkillDisabled',
      'AlexaSkillEvent.SkillPermissionAccepted',
      'AlexaSkillEvent.SkillPermissionChanged',
    ]) {
      expect(await send(alexaRequest().event(type, { accessToken: EVENT_TOKEN }).linked(TOKENS.ok))).toBe(
        200,
      );
    }
    // Every kind of refusal.
    expect(await send(alexaRequest().launch().linked(TOKENS.ok), { sign: 'tamper' })).toBe(400);
    expect(await send(alexaRequest().launch().linked(TOKENS.ok), { sign: 'other-key' })).toBe(400);
    expect(await send(alexaRequest().launch().linked(TOKENS.ok), { sign: 'garbage' })).toBe(400);
    expect(
      await send(alexaRequest().launch().linked(TOKENS.ok), {
        certUrl: `https://evil.example/${TOKENS.ok}.pem`,
      }),
    ).toBe(400);
    expect(await send(alexaRequest().launch().linked(TOKENS.ok).skill('amzn1.ask.skill.other'))).toBe(400);
    expect(
      await send(
        alexaRequest()
          .launch()
          .linked(TOKENS.ok)
          .timestamp(new Date(Date.now() - 3_600_000)),
      ),
    ).toBe(400);
    const replayed = alexaRequest()
      .launch()
      .linked(TOKENS.ok)
      .requestId(unique('amzn1.echo-api.request.replay'));
    expect(await send(replayed)).toBe(200);
    expect(await send(replayed)).toBe(400);

    // HTTP-level refusals with secrets in the path, query, headers and body.
    const http = async (init: Parameters<TestApp['app']['inject']>[0]): Promise<void> => {
      const res = await t.app.inject(init);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      answers.push(res.body, JSON.stringify(res.headers));
      errorBodies.push(res.body);
    };
    const auth = { authorization: `Bearer ${TOKENS.ok}` };
    await http({ method: 'GET', url: `/alexa/${TOKENS.ok}?access_token=${TOKENS.ok}`, headers: auth });
    await http({ method: 'POST', url: `/${TOKENS.ok}`, headers: auth, payload: '{}' });
    await http({
      method: 'POST',
      url: '/alexa',
      headers: { ...auth, 'content-type': 'text/plain' },
      payload: TOKENS.ok,
    });
    await http({
      method: 'POST',
      url: '/alexa',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: `{"accessToken":"${TOKENS.ok}"`,
    });
    await http({
      method: 'POST',
      url: '/alexa',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: `{"accessToken":"${TOKENS.ok}","x":"${'a'.repeat(140_000)}"}`,
    });
    await http({
      method: 'POST',
      url: '/alexa',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: `{"__proto__":{"accessToken":"${TOKENS.ok}"}}`,
    });

    // Through a real socket: a header block over the limit that carries a token.
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.getHttpServer().address() as { port: number }).port;
    const reply = await rawExchange(
      port,
      rawRequest([
        'GET /health/live HTTP/1.1',
        'Host: x',
        'Connection: close',
        `Authorization: Bearer ${TOKENS.ok}`,
        `X-Pad: ${'p'.repeat(17_000)}`,
      ]),
    );
    expect(reply.status).toBe(431);
    answers.push(reply.text);
  });

  it('logged the scenarios (the search below is not vacuous)', () => {
    const text = t.logs.text();
    expect(t.logs.lines.length).toBeGreaterThan(150);
    for (const expected of [
      'skill handler failed',
      'request refused',
      'music API call failed',
      'skill event',
      'request completed',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('finds no token, signature, Authorization value or user ID in the logs', () => {
    expectNoSecrets(t.logs.text(), secrets);
  });

  it('finds none in the metrics', async () => {
    expectNoSecrets(await t.metrics(), secrets);
  });

  it('finds none in any answer (bodies and headers)', () => {
    expectNoSecrets(answers.join('\n'), secrets);
  });

  it('logs no request body: a marker spoken in a slot appears in no log line', () => {
    expect(t.logs.text()).not.toContain(BODY_MARKER);
  });

  it('answers errors without stack, path, version or echo of the request', () => {
    expect(errorBodies.length).toBeGreaterThan(10);
    for (const body of errorBodies) expectNothingInternal(body);
  });
});
