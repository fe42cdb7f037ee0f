import { StateKeys, STATE_STORE, type StateStore } from '@lib/state-store';
import { alexaRequest, DEFAULT_SKILL_ID } from '../../tools/alexa-request/envelope.ts';
import { expectNoTokenInLogs, type MusicApp, speechOf, startMusicApp, TOKENS } from './music-app';

// The music intents as Alexa sees them: signed requests to the real app, the fake music API upstream.

const ssml = (text: string) => ({ type: 'SSML', ssml: `<speak>${text}</speak>` });

describe('music intents (signed requests, fake music API upstream)', () => {
  let m: MusicApp;

  beforeAll(async () => {
    m = await startMusicApp();
  });
  afterAll(() => m.close());
  beforeEach(() => m.fake.reset());

  describe('LaunchRequest', () => {
    it('greets a linked user by display name and keeps the session open', async () => {
      const res = await m.t.alexa(m.linked().launch());
      expect(res.statusCode).toBe(200);
      expect(res.json().response).toEqual({
        outputSpeech: ssml('Welcome back, Ada Lovelace! What would you like to hear?'),
        reprompt: { outputSpeech: ssml('You can say: play Queen, or ask what is playing.') },
        shouldEndSession: false,
      });
      expect(m.fake.hits('/v1/me')).toBe(1);
    });

    it('greets in German for de-DE', async () => {
      const res = await m.t.alexa(m.linked().launch().locale('de-DE'));
      expect(res.json().response).toEqual({
        outputSpeech: ssml('Willkommen zurück, Ada Lovelace! Was möchtest du hören?'),
        reprompt: { outputSpeech: ssml('Du kannst sagen: spiele Queen, oder fragen, was gerade läuft.') },
        shouldEndSession: false,
      });
    });
  });

  describe('WhatsPlayingIntent', () => {
    it('names the track and its artist while something plays', async () => {
      await m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'bohemian rhapsody' }));
      const res = await m.t.alexa(m.linked().intent('WhatsPlayingIntent'));
      expect(res.json().response).toEqual({
        outputSpeech: ssml('This is Bohemian Rhapsody by Queen.'),
        shouldEndSession: true,
      });
    });

    it('escapes upstream text for SSML', async () => {
      await m.t.alexa(m.linked().intent('PlayMusicIntent', { query: "don't stop me now" }));
      const res = await m.t.alexa(m.linked().intent('WhatsPlayingIntent'));
      expect(speechOf(res)).toBe('<speak>This is Don&apos;t Stop Me Now by Queen.</speak>');
    });

    it('says that nothing is playing when the API answers 204', async () => {
      const res = await m.t.alexa(m.linked().intent('WhatsPlayingIntent'));
      expect(res.json().response).toEqual({
        outputSpeech: ssml('Nothing is playing right now.'),
        shouldEndSession: true,
      });
      expect(m.fake.hits('/v1/me/player/currently-playing')).toBe(1);
    });

    it('says that the track is paused when the player is paused', async () => {
      await m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'comfortably numb' }));
      await m.t.alexa(m.linked().intent('AMAZON.PauseIntent'));
      const res = await m.t.alexa(m.linked().intent('WhatsPlayingIntent'));
      expect(speechOf(res)).toBe('<speak>Comfortably Numb by Pink Floyd is paused.</speak>');
    });
  });

  describe('PlayMusicIntent', () => {
    it('plays the artist whose name is the query', async () => {
      const res = await m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'Queen' }));
      expect(res.json().response).toEqual({ outputSpeech: ssml('Playing Queen.'), shouldEndSession: true });
      expect(m.fake.hits('/v1/search')).toBe(1);
      expect(m.fake.hits('/v1/me/player/play')).toBe(1);
      // The artist's context started: its first track is what plays now.
      const now = await m.t.alexa(m.linked().intent('WhatsPlayingIntent'));
      expect(speechOf(now)).toBe('<speak>This is Bohemian Rhapsody by Queen.</speak>');
    });

    it('plays the best track when no artist is named like the query', async () => {
      const res = await m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'comfortably numb' }));
      expect(speechOf(res)).toBe('<speak>Playing Comfortably Numb.</speak>');
      const now = await m.t.alexa(m.linked().intent('WhatsPlayingIntent'));
      expect(speechOf(now)).toBe('<speak>This is Comfortably Numb by Pink Floyd.</speak>');
    });

    it('prefers a track to an artist that only partly matches the query', async () => {
      const res = await m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'daft' }));
      expect(speechOf(res)).toBe('<speak>Playing One More Time.</speak>');
    });

    it('says so when the search finds nothing, and starts nothing', async () => {
      const res = await m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'polka & <yodel>' }));
      expect(res.json().response).toEqual({
        outputSpeech: ssml("I couldn't find anything for polka &amp; &lt;yodel&gt;."),
        shouldEndSession: true,
      });
      expect(m.fake.hits('/v1/me/player/play')).toBe(0);
    });

    it.each([
      ['without a query slot', {}],
      ['with a blank query', { query: '   ' }],
    ])('asks a user with no history what to play %s, without calling the API', async (label, slots) => {
      const newUser = m.linked().user(`amzn1.ask.account.no-history-${label.replaceAll(' ', '-')}`);
      const res = await m.t.alexa(newUser.intent('PlayMusicIntent', slots));
      expect(res.json().response).toEqual({
        outputSpeech: ssml('What would you like me to play?'),
        reprompt: { outputSpeech: ssml('What would you like me to play?') },
        shouldEndSession: false,
      });
      expect(m.fake.hits()).toBe(0);
    });

    it("plays the user's last query that started playback when no query is said", async () => {
      const user = 'amzn1.ask.account.history-user';
      await m.t.alexa(m.linked().user(user).intent('PlayMusicIntent', { query: 'Queen' }));
      await m.t.alexa(m.linked().user(user).intent('PlayMusicIntent', { query: 'polka & <yodel>' }));
      m.fake.reset();
      const res = await m.t.alexa(m.linked().user(user).intent('PlayMusicIntent', {}));
      expect(res.json().response).toEqual({ outputSpeech: ssml('Playing Queen.'), shouldEndSession: true });
      expect(m.fake.hits('/v1/search')).toBe(1);
      expect(m.fake.hits('/v1/me/player/play')).toBe(1);
    });

    it('keeps what other modules stored in the same user attributes', async () => {
      const user = 'amzn1.ask.account.shared-attributes';
      const store = m.t.app.get<StateStore>(STATE_STORE);
      const key = m.t.app.get(StateKeys).user(DEFAULT_SKILL_ID, user);
      await store.set(key, JSON.stringify({ bank: { lastAccount: 'savings' } }), 60_000);
      await m.t.alexa(m.linked().user(user).intent('PlayMusicIntent', { query: 'Queen' }));
      expect(JSON.parse((await store.get(key))!)).toEqual({
        bank: { lastAccount: 'savings' },
        music: { lastQuery: 'Queen' },
      });
      expect(key).not.toContain(user);
    });

    it('tells the user to open a player when the API has no active device (404)', async () => {
      m.fake.behave({ path: '/v1/me/player/play', mode: 'no-device' });
      const res = await m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'Queen' }));
      expect(res.json().response).toEqual({
        outputSpeech: ssml(
          'I could not find an active player. Open the music app on a device, then ask again.',
        ),
        shouldEndSession: true,
      });
      expect(m.fake.hits('/v1/me/player/play')).toBe(1); // a 404 is an answer: not retried
    });

    it('speaks German for de-DE', async () => {
      const res = await m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'Queen' }).locale('de-DE'));
      expect(speechOf(res)).toBe('<speak>Ich spiele Queen.</speak>');
      const none = await m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'polka' }).locale('de-DE'));
      expect(speechOf(none)).toBe('<speak>Ich habe nichts zu polka gefunden.</speak>');
    });
  });

  describe('AMAZON.PauseIntent', () => {
    it('pauses the player', async () => {
      const res = await m.t.alexa(m.linked().intent('AMAZON.PauseIntent'));
      expect(res.json().response).toEqual({ outputSpeech: ssml('Paused.'), shouldEndSession: true });
      expect(m.fake.hits('/v1/me/player/pause')).toBe(1);
    });

    it('tells the user to open a player when the API has no active device (404)', async () => {
      m.fake.behave({ path: '/v1/me/player/pause', mode: 'no-device' });
      const res = await m.t.alexa(m.linked().intent('AMAZON.PauseIntent'));
      expect(speechOf(res)).toBe(
        '<speak>I could not find an active player. Open the music app on a device, then ask again.</speak>',
      );
    });

    it('speaks German for de-DE', async () => {
      const res = await m.t.alexa(m.linked().intent('AMAZON.PauseIntent').locale('de-DE'));
      expect(speechOf(res)).toBe('<speak>Pausiert.</speak>');
    });
  });

  describe('the linked account', () => {
    it.each([
      ['LaunchRequest', () => m.t.alexa(m.linked().launch().linked(TOKENS.revoked))],
      ['WhatsPlayingIntent', () => m.t.alexa(m.linked().intent('WhatsPlayingIntent').linked(TOKENS.revoked))],
      [
        'PlayMusicIntent',
        () => m.t.alexa(m.linked().intent('PlayMusicIntent', { query: 'Queen' }).linked(TOKENS.revoked)),
      ],
      ['AMAZON.PauseIntent', () => m.t.alexa(m.linked().intent('AMAZON.PauseIntent').linked(TOKENS.revoked))],
    ])('answers %s with a LinkAccount card when the API rejects the token (401)', async (_name, ask) => {
      let res!: Awaited<ReturnType<typeof ask>>;
      const changed = await m.during(async () => {
        res = await ask();
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().response).toEqual({
        outputSpeech: ssml(
          'To use this, please link your account. I sent a card to the Alexa app that takes you there.',
        ),
        card: { type: 'LinkAccount' },
        shouldEndSession: true,
      });
      expect(changed('alexa_token_failures_total', { provider: 'music', reason: 'rejected' })).toBe(1);
      expect(m.fake.hits()).toBe(1); // a 401 is never retried
    });

    it('answers a linked user whose token lacks a scope (403) with the forbidden speech, without a card', async () => {
      let res!: Awaited<ReturnType<typeof m.t.alexa>>;
      const changed = await m.during(async () => {
        res = await m.t.alexa(m.linked().intent('WhatsPlayingIntent').linked(TOKENS.narrow));
      });
      expect(res.json().response).toEqual({
        outputSpeech: ssml(
          "Your linked account isn't allowed to do that. Please check your account's permissions with its provider.",
        ),
        shouldEndSession: true,
      });
      expect(changed('alexa_token_failures_total', { provider: 'music', reason: 'forbidden' })).toBe(1);
    });

    it('answers an unlinked user with a LinkAccount card, without calling the API', async () => {
      const res = await m.t.alexa(alexaRequest().intent('WhatsPlayingIntent'));
      expect(res.json().response.card).toEqual({ type: 'LinkAccount' });
      expect(m.fake.hits()).toBe(0);
    });
  });

  it('never logs a token', () => {
    expectNoTokenInLogs(m.t);
  });
});
