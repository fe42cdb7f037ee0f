import { expectNoTokenInLogs, type MusicApp, speechOf, startMusicApp } from './music-app';

// The circuit breaker as Alexa hears it, told in order: the music API fails, the breaker opens, answers
// fail fast without reaching the API, and after the half-open delay one probe closes it again.
// (One app per file: nestjs-pino keeps one root logger per process, see music-app.ts.)

const NOT_ANSWERING =
  "<speak>The music service isn't answering right now. Please try again in a little while.</speak>";
const NOTHING_PLAYING = '<speak>Nothing is playing right now.</speak>';
const NOW_PLAYING = '/v1/me/player/currently-playing';

/**
 * Moves the wall clock past the breaker's half-open delay without waiting: only `Date` is faked (the breaker and
 * the request timestamps read it), so timers and sockets keep real time.
 */
function passTime(ms: number): void {
  jest.useFakeTimers({
    now: Date.now() + ms,
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

describe('the circuit breaker', () => {
  // Far longer than any check below takes, however loaded the machine: the test moves the clock past it.
  const HALF_OPEN_AFTER_MS = 60_000;
  const ATTEMPT_TIMEOUT_MS = 500;
  let m: MusicApp;
  const state = () => m.metric('upstream_circuit_state', { provider: 'music' });
  const whatsPlaying = async () => speechOf(await m.t.alexa(m.linked().intent('WhatsPlayingIntent')));

  beforeAll(async () => {
    m = await startMusicApp({
      MUSIC_API_BREAKER_FAILURES: '3',
      MUSIC_API_BREAKER_HALF_OPEN_AFTER_MS: String(HALF_OPEN_AFTER_MS),
      MUSIC_API_MAX_RETRIES: '0',
      MUSIC_API_TOTAL_BUDGET_MS: '600',
      MUSIC_API_ATTEMPT_TIMEOUT_MS: String(ATTEMPT_TIMEOUT_MS),
    });
  });
  afterAll(async () => {
    jest.useRealTimers();
    await m.close();
  });

  it('opens after three consecutive failures', async () => {
    m.fake.behave({ path: NOW_PLAYING, mode: 'fail', status: 503 });
    expect(await state()).toBe(0);
    for (let i = 0; i < 3; i++) expect(await whatsPlaying()).toBe(NOT_ANSWERING);
    expect(m.fake.hits(NOW_PLAYING)).toBe(3);
    expect(await state()).toBe(2);
    expect(
      await m.metric('upstream_circuit_transitions_total', { provider: 'music', from: 'closed', to: 'open' }),
    ).toBe(1);
    expect(m.t.logs.text()).toContain('circuit closed -> open (last failure: server_error 503)');
  });

  it('answers "not answering" at once while open, without reaching the API', async () => {
    m.fake.reset(); // healthy again, but the breaker does not know yet
    let elapsed = 0;
    const changed = await m.during(async () => {
      for (const ask of [
        () => m.t.alexa(m.linked().intent('WhatsPlayingIntent')),
        () => m.t.alexa(m.linked().launch()),
        () => m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'Queen' })),
      ]) {
        const start = performance.now();
        const res = await ask();
        elapsed = Math.max(elapsed, performance.now() - start);
        expect(speechOf(res)).toBe(NOT_ANSWERING);
      }
    });
    expect(m.fake.hits()).toBe(0);
    expect(elapsed).toBeLessThan(ATTEMPT_TIMEOUT_MS); // no attempt waited out
    for (const operation of ['currently_playing', 'me', 'search']) {
      expect(
        changed('upstream_requests_total', { provider: 'music', operation, outcome: 'circuit_open' }),
      ).toBe(1);
    }
    expect(await state()).toBe(2);
  });

  it('lets exactly one probe through after the half-open delay, and closes when it succeeds', async () => {
    passTime(HALF_OPEN_AFTER_MS + 1);
    m.fake.reset();
    m.fake.behave({ path: NOW_PLAYING, mode: 'held', times: 1 });
    // Two users: the first request carries the probe, held at the API; the second must not wait behind it.
    const probeArrived = m.fake.nextRequest(NOW_PLAYING);
    const first = whatsPlaying();
    await probeArrived;
    expect(await whatsPlaying()).toBe(NOT_ANSWERING);
    m.fake.release();
    expect(await first).toBe(NOTHING_PLAYING);
    expect(m.fake.hits(NOW_PLAYING)).toBe(1);
    expect(await state()).toBe(0);
    for (const [from, to] of [
      ['open', 'half_open'],
      ['half_open', 'closed'],
    ]) {
      expect(await m.metric('upstream_circuit_transitions_total', { provider: 'music', from, to })).toBe(1);
    }
    expect(await whatsPlaying()).toBe(NOTHING_PLAYING);
  });

  it('never logs a token', () => {
    expectNoTokenInLogs(m.t);
  });
});
