import { expectNoTokenInLogs, type MusicApp, speechOf, startMusicApp } from './music-app';

// "One moment..." while a slow search runs: a VoicePlayer.Speak directive to the request's apiEndpoint
// (here the fake API's POST /v1/directives), never delaying or changing the final answer.

const DELAY_MS = 100;

describe('progressive responses while the music API is slow', () => {
  let m: MusicApp;

  beforeAll(async () => {
    m = await startMusicApp({
      PROGRESSIVE_RESPONSE_DELAY_MS: String(DELAY_MS),
      ALEXA_API_ENDPOINT_ALLOW_ANY: 'true',
      MUSIC_API_RETRY_BASE_DELAY_MS: '10',
      MUSIC_API_RETRY_MAX_DELAY_MS: '20',
    });
  });
  afterAll(() => m.close());
  beforeEach(() => m.fake.reset());

  it('says "One moment..." once for a slow search, and answers as it would have anyway', async () => {
    const fast = await m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'Queen' }));
    expect(m.fake.directives()).toEqual([]);

    // The search is held at the API until "One moment..." has been spoken.
    m.fake.behave({ path: '/v1/search', mode: 'held', times: 1 });
    const spoken = m.fake.nextResponse('/v1/directives');
    const requestId = 'amzn1.echo-api.request.progressive-slow-search';
    const answer = m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'Queen' }).requestId(requestId));
    await spoken;
    m.fake.release();
    const slow = await answer;
    expect(slow.statusCode).toBe(200);
    expect(slow.json()).toEqual(fast.json());
    expect(speechOf(slow)).toBe('<speak>Playing Queen.</speak>');
    expect(m.fake.directives()).toEqual([{ requestId, type: 'VoicePlayer.Speak', speech: 'One moment...' }]);
  });

  it('says it in the request locale', async () => {
    m.fake.behave({ path: '/v1/search', mode: 'held', times: 1 });
    const spoken = m.fake.nextResponse('/v1/directives');
    const answer = m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'Queen' }).locale('de-DE'));
    await spoken;
    m.fake.release();
    const res = await answer;
    expect(speechOf(res)).toBe('<speak>Ich spiele Queen.</speak>');
    expect(m.fake.directives().map((d) => d.speech)).toEqual(['Einen Moment...']);
  });

  it('sends nothing when the music API answers before the delay', async () => {
    const res = await m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'Queen' }));
    expect(speechOf(res)).toBe('<speak>Playing Queen.</speak>');
    // A later, slow request speaks: had the first one's timer still been running, it would have fired first.
    m.fake.behave({ path: '/v1/search', mode: 'held', times: 1 });
    const spoken = m.fake.nextResponse('/v1/directives');
    const later = m.t.alexa(
      m.linked().intent('PlayMusicIntent', { query: 'Queen' }).requestId('amzn1.echo-api.request.later'),
    );
    await spoken;
    m.fake.release();
    await later;
    expect(m.fake.directives().map((d) => d.requestId)).toEqual(['amzn1.echo-api.request.later']);
  });

  it('retries PUT play after a 503 but never retries the directive POST', async () => {
    m.fake.behave({ path: '/v1/search', mode: 'held', times: 1 });
    m.fake.behave({ path: '/v1/me/player/play', mode: 'fail', status: 503, times: 1 });
    m.fake.behave({ path: '/v1/directives', mode: 'fail', status: 503 });
    let ssml = '';
    const changed = await m.during(async () => {
      const spoken = m.fake.nextResponse('/v1/directives');
      const answer = m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'Queen' }));
      await spoken;
      m.fake.release();
      ssml = speechOf(await answer);
      // The directive call is over (its outcome is counted once every attempt it would make is made).
      await m.until('upstream_requests_total', {
        provider: 'alexa-directives',
        operation: 'progressive_response',
        outcome: 'server_error',
      });
    });
    expect(ssml).toBe('<speak>Playing Queen.</speak>');
    expect(m.fake.hits('/v1/me/player/play')).toBe(2);
    expect(changed('upstream_retries_total', { provider: 'music', reason: '503' })).toBe(1);
    expect(m.fake.hits('/v1/directives')).toBe(1);
    expect(changed('upstream_retries_total', { provider: 'alexa-directives', reason: '503' })).toBe(0);
    expect(
      changed('upstream_requests_total', {
        provider: 'alexa-directives',
        operation: 'progressive_response',
        outcome: 'server_error',
      }),
    ).toBe(1);
  });

  it('never logs a token', () => {
    expectNoTokenInLogs(m.t);
  });
});
