import { expectNoTokenInLogs, type MusicApp, speechOf, startMusicApp } from './music-app';

// A sick music API as Alexa hears it: every answer arrives in time and says something sensible.
// Delays are configured short (MUSIC_API_*) so the whole file runs in a few seconds.

const NOT_ANSWERING =
  "<speak>The music service isn't answering right now. Please try again in a little while.</speak>";
const BUSY = '<speak>The music service is busy right now. Please try again in a minute.</speak>';
const NOTHING_PLAYING = '<speak>Nothing is playing right now.</speak>';
const NOW_PLAYING = '/v1/me/player/currently-playing';

/** How long a scenario took, in milliseconds. */
async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

describe('retries, rate limits and the budget', () => {
  const BUDGET_MS = 600;
  const ATTEMPT_TIMEOUT_MS = 200;
  let m: MusicApp;

  beforeAll(async () => {
    m = await startMusicApp({
      MUSIC_API_TOTAL_BUDGET_MS: String(BUDGET_MS),
      MUSIC_API_ATTEMPT_TIMEOUT_MS: String(ATTEMPT_TIMEOUT_MS),
      MUSIC_API_MAX_RETRIES: '2',
      MUSIC_API_RETRY_BASE_DELAY_MS: '10',
      MUSIC_API_RETRY_MAX_DELAY_MS: '20',
      // The breaker has its own file; here it must not open between scenarios.
      MUSIC_API_BREAKER_FAILURES: '1000',
    });
  });
  afterAll(() => m.close());
  beforeEach(() => m.fake.reset());

  it('answers after two 503s, with two retries counted', async () => {
    m.fake.behave({ path: NOW_PLAYING, mode: 'fail', status: 503, times: 2 });
    let ssml = '';
    const changed = await m.during(async () => {
      ssml = speechOf(await m.t.alexa(m.linked().intent('WhatsPlayingIntent')));
    });
    expect(ssml).toBe(NOTHING_PLAYING);
    expect(m.fake.hits(NOW_PLAYING)).toBe(3);
    expect(changed('upstream_retries_total', { provider: 'music', reason: '503' })).toBe(2);
    expect(
      changed('upstream_requests_total', {
        provider: 'music',
        operation: 'currently_playing',
        outcome: 'success',
      }),
    ).toBe(1);
  });

  it('says the service is not answering when every attempt gets a 503', async () => {
    m.fake.behave({ path: NOW_PLAYING, mode: 'fail', status: 503 });
    let ssml = '';
    const changed = await m.during(async () => {
      ssml = speechOf(await m.t.alexa(m.linked().intent('WhatsPlayingIntent')));
    });
    expect(ssml).toBe(NOT_ANSWERING);
    expect(m.fake.hits(NOW_PLAYING)).toBe(3); // the first attempt and two retries, no more
    expect(
      changed('upstream_requests_total', {
        provider: 'music',
        operation: 'currently_playing',
        outcome: 'server_error',
      }),
    ).toBe(1);
  });

  it('waits out a 429 whose Retry-After fits the budget, then answers', async () => {
    m.fake.behave({ path: NOW_PLAYING, mode: '429', retryAfter: 0.25, times: 1 });
    let ssml = '';
    let elapsed = 0;
    const changed = await m.during(async () => {
      const [res, ms] = await timed(() => m.t.alexa(m.linked().intent('WhatsPlayingIntent')));
      ssml = speechOf(res);
      elapsed = ms;
    });
    expect(ssml).toBe(NOTHING_PLAYING);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(m.fake.hits(NOW_PLAYING)).toBe(2);
    expect(changed('upstream_retries_total', { provider: 'music', reason: '429' })).toBe(1);
  });

  it('fails fast with the "busy" speech when Retry-After is beyond the budget', async () => {
    m.fake.behave({ path: NOW_PLAYING, mode: '429', retryAfter: 30 });
    let ssml = '';
    let elapsed = 0;
    const changed = await m.during(async () => {
      const [res, ms] = await timed(() => m.t.alexa(m.linked().intent('WhatsPlayingIntent')));
      ssml = speechOf(res);
      elapsed = ms;
    });
    expect(ssml).toBe(BUSY);
    expect(elapsed).toBeLessThan(BUDGET_MS); // no sleeping into the budget
    expect(m.fake.hits(NOW_PLAYING)).toBe(1);
    expect(changed('upstream_retries_total', { provider: 'music', reason: '429' })).toBe(0);
    expect(
      changed('upstream_requests_total', {
        provider: 'music',
        operation: 'currently_playing',
        outcome: 'rate_limited',
      }),
    ).toBe(1);
  });

  it('speaks the "busy" text in German for de-DE', async () => {
    m.fake.behave({ path: '/v1/me', mode: '429', retryAfter: 30 });
    const res = await m.t.alexa(m.linked().launch().locale('de-DE'));
    expect(speechOf(res)).toBe(
      '<speak>Der Musikdienst ist gerade ausgelastet. Bitte versuche es in einer Minute noch einmal.</speak>',
    );
  });

  it('answers within the budget (plus a small margin) when the API hangs', async () => {
    m.fake.behave({ path: NOW_PLAYING, mode: 'hang' });
    const [res, elapsed] = await timed(() => m.t.alexa(m.linked().intent('WhatsPlayingIntent')));
    expect(res.statusCode).toBe(200);
    expect(speechOf(res)).toBe(NOT_ANSWERING);
    // Two attempts time out, the third is cut at the budget: the budget is spent, not exceeded.
    expect(elapsed).toBeGreaterThanOrEqual(BUDGET_MS - 50);
    expect(elapsed).toBeLessThan(BUDGET_MS + 250);
    expect(m.fake.hits(NOW_PLAYING)).toBe(3);
  });

  it('says the service is not answering when the API sends a malformed body, and counts a bad response', async () => {
    m.fake.behave({ path: '/v1/me', mode: 'malformed' });
    let ssml = '';
    const changed = await m.during(async () => {
      ssml = speechOf(await m.t.alexa(m.linked().launch()));
    });
    expect(ssml).toBe(NOT_ANSWERING);
    expect(m.fake.hits('/v1/me')).toBe(1); // a 200 is an answer: not retried
    expect(
      changed('upstream_requests_total', { provider: 'music', operation: 'me', outcome: 'bad_response' }),
    ).toBe(1);
  });

  it('says the service is not answering when the body does not fit the schema', async () => {
    m.fake.behave({ path: NOW_PLAYING, mode: 'invalid' });
    let ssml = '';
    const changed = await m.during(async () => {
      ssml = speechOf(await m.t.alexa(m.linked().intent('WhatsPlayingIntent')));
    });
    expect(ssml).toBe(NOT_ANSWERING);
    expect(
      changed('upstream_requests_total', {
        provider: 'music',
        operation: 'currently_playing',
        outcome: 'bad_response',
      }),
    ).toBe(1);
  });

  it('retries PUT play after a 503 (idempotent) and starts playing once', async () => {
    m.fake.behave({ path: '/v1/me/player/play', mode: 'fail', status: 503, times: 1 });
    let ssml = '';
    const changed = await m.during(async () => {
      ssml = speechOf(await m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'Queen' })));
    });
    expect(ssml).toBe('<speak>Playing Queen.</speak>');
    expect(m.fake.hits('/v1/me/player/play')).toBe(2);
    expect(changed('upstream_retries_total', { provider: 'music', reason: '503' })).toBe(1);
    expect(
      changed('upstream_requests_total', { provider: 'music', operation: 'play', outcome: 'success' }),
    ).toBe(1);
  });

  it('never logs a token', () => {
    expectNoTokenInLogs(m.t);
  });
});
