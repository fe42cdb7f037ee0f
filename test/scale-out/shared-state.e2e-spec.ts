import { Redis } from 'ioredis';
import { join } from 'node:path';
import { alexaRequest, DEFAULT_USER_ID } from '../../tools/alexa-request/envelope.ts';
import { type FakeMusicApi, startFakeMusicApi } from '../../tools/fake-music-api.ts';
import type { Exchange } from '../../tools/soak/http-client.ts';
import { ServiceProcess } from '../../tools/soak/service-process.ts';
import { type Pod, PodPair, type SignedAlexaRequest, SteadyLoad } from '../../tools/scale-out/pods.ts';
import { describeWithRedis, RedisServer } from '../support/redis-server';

// Two pods of the built service (two processes) sharing one real redis-server: what one pod accepted, the other
// knows. Then Redis dies, freezes and comes back under load: every request is still answered, the pods fall
// back to their own memory, count it, say it once, and share again once Redis answers.

const TOKEN = 'Atza|scale-out-linked-token-41d7';
const SECRET = 'scale-out-test-state-key-secret';
const USER = 'amzn1.ask.account.SCALEOUTUSER';
const LINK_EVENTS = 'alexa_account_link_events_total';

const ids = { next: 0 };
const requestId = (label: string) => `amzn1.echo-api.request.${label}-${++ids.next}`;
const speech = (exchange: Exchange): string => JSON.parse(exchange.body).response.outputSpeech?.ssml;

describeWithRedis()('two pods sharing one Redis', () => {
  let redis: RedisServer;
  let music: FakeMusicApi;
  let pods: PodPair;

  beforeAll(async () => {
    redis = await RedisServer.start();
    music = await startFakeMusicApi({ tokens: [TOKEN], control: false });
    pods = await PodPair.start(join(__dirname, '../..'), {
      REDIS_URL: redis.url,
      STATE_KEY_SECRET: SECRET,
      MUSIC_API_BASE_URL: music.url,
      PROGRESSIVE_RESPONSE_DELAY_MS: '8000',
      // The longest timeout allowed: a loaded test machine must not make a healthy Redis look slow.
      STATE_COMMAND_TIMEOUT_MS: '250',
    });
  });
  afterAll(async () => {
    await pods?.stop();
    await music?.close();
    await redis?.stop();
  });

  const launch = () => pods.sign(alexaRequest().launch().requestId(requestId('launch')));

  async function expectAnswered(pod: Pod, request: SignedAlexaRequest): Promise<Exchange> {
    const reply = await pod.send(request);
    expect({ pod: pod.name, status: reply.status, error: reply.error }).toEqual({
      pod: pod.name,
      status: 200,
      error: undefined,
    });
    return reply;
  }

  describe('while Redis answers', () => {
    it('shares state from the start', async () => {
      for (const pod of pods.pods) expect(await pod.metric('state_store_up')).toBe(1);
    });

    it('refuses a request replayed to the other pod with 400, counted as check="replay"', async () => {
      const request = launch();
      const before = await pods.b.metric('alexa_verification_failures_total', { check: 'replay' });
      await expectAnswered(pods.a, request);
      const replay = await pods.b.send(request);
      expect([replay.status, replay.body]).toEqual([400, '{"error":"request verification failed"}']);
      expect(await pods.b.metric('alexa_verification_failures_total', { check: 'replay' })).toBe(before + 1);
    });

    it('handles a skill event redelivered to the other pod once, acknowledging both deliveries', async () => {
      const before = await pods.total(LINK_EVENTS, { event: 'linked' });
      const event = pods.sign(
        alexaRequest()
          .event('AlexaSkillEvent.SkillAccountLinked', { accessToken: TOKEN })
          .requestId(requestId('linked')),
      );
      await expectAnswered(pods.a, event);
      await expectAnswered(pods.b, event);
      expect(await pods.total(LINK_EVENTS, { event: 'linked' })).toBe(before + 1);
    });

    it('counts 20 events each delivered to both pods at once 20 times, not 40', async () => {
      const before = await pods.total(LINK_EVENTS, { event: 'enabled' });
      const events = Array.from({ length: 20 }, () =>
        pods.sign(alexaRequest().event('AlexaSkillEvent.SkillEnabled').requestId(requestId('enabled'))),
      );
      await Promise.all(events.flatMap((event) => pods.pods.map((pod) => expectAnswered(pod, event))));
      expect(await pods.total(LINK_EVENTS, { event: 'enabled' })).toBe(before + 20);
    });

    it("plays the user's last query on the other pod when no query is said", async () => {
      const play = (slots: Record<string, string>, user = USER) =>
        pods.sign(alexaRequest().user(user).linked(TOKEN).intent('PlayMusicIntent', slots));
      expect(speech(await expectAnswered(pods.a, play({ query: 'Queen' })))).toBe(
        '<speak>Playing Queen.</speak>',
      );
      expect(speech(await expectAnswered(pods.b, play({})))).toBe('<speak>Playing Queen.</speak>');
      expect(speech(await expectAnswered(pods.b, play({}, 'amzn1.ask.account.NOHISTORY')))).toBe(
        '<speak>What would you like me to play?</speak>',
      );
    });

    it('keeps no user ID, token or request body in Redis: keys by skill, users by HMAC', async () => {
      const client = new Redis(redis.url);
      try {
        const keys = await client.keys('*');
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys)
          expect(key).toMatch(/^alexa:amzn1\.ask\.skill\.[\w.-]+:(request|event|user):[\w.~-]+$/);
        const values = await Promise.all(keys.map((key) => client.get(key)));
        const everything = [...keys, ...values].join('\n');
        for (const secret of [USER, DEFAULT_USER_ID, TOKEN, 'SCALEOUTUSER', 'DEMOUSER']) {
          expect(everything).not.toContain(secret);
        }
        const userValues = keys.filter((key) => key.includes(':user:'));
        expect(userValues).toHaveLength(1);
        expect(await client.get(userValues[0])).toBe('{"music":{"lastQuery":"Queen"}}');
        expect(await client.pttl(userValues[0])).toBeGreaterThan(29 * 24 * 3600 * 1000);
      } finally {
        client.disconnect();
      }
    });
  });

  describe('when Redis fails under load', () => {
    const load = () => new SteadyLoad(pods, launch);

    const expectAllAnswered = (replies: Exchange[]) => {
      const outcomes = new Map<string, number>();
      for (const r of replies) {
        const key = `${r.status ?? r.error}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }
      expect(Object.fromEntries(outcomes)).toEqual({ '200': replies.length });
    };

    it('answers every request when Redis is killed, counts the fallbacks, stays ready, and resumes sharing after a restart', async () => {
      const errorsBefore = await pods.total('state_store_errors_total', { operation: 'claim' });
      const traffic = load();
      await traffic.after(100);
      await redis.kill();
      await Promise.all(pods.pods.map((pod) => pod.until('state_store_up', {}, 0)));
      await traffic.after(200);
      expectAllAnswered(await traffic.stop());

      expect(await pods.total('state_store_errors_total', { operation: 'claim' })).toBeGreaterThan(
        errorsBefore,
      );
      for (const pod of pods.pods) expect(await pod.ready()).toBe(200);

      // Per pod meanwhile: a replay to the same pod is refused, to the other one not.
      const request = launch();
      await expectAnswered(pods.a, request);
      expect((await pods.a.send(request)).status).toBe(400);
      await expectAnswered(pods.b, request);

      await redis.restart();
      await Promise.all(pods.pods.map((pod) => pod.until('state_store_up', {}, 1)));
      const after = launch();
      await expectAnswered(pods.a, after);
      expect((await pods.b.send(after)).status).toBe(400);
    });

    it('answers every request while Redis is frozen (commands time out), and shares again once it answers', async () => {
      const errorsBefore = await pods.total('state_store_errors_total', { operation: 'claim' });
      const traffic = load();
      await traffic.after(50);
      redis.freeze();
      await Promise.all(pods.pods.map((pod) => pod.until('state_store_up', {}, 0)));
      await traffic.after(200);
      redis.thaw();
      await Promise.all(pods.pods.map((pod) => pod.until('state_store_up', {}, 1)));
      await traffic.after(50);
      expectAllAnswered(await traffic.stop());
      expect(await pods.total('state_store_errors_total', { operation: 'claim' })).toBeGreaterThan(
        errorsBefore,
      );

      const request = launch();
      await expectAnswered(pods.b, request);
      expect((await pods.a.send(request)).status).toBe(400);
    });

    it('said each change between shared and per pod once per pod, never once per request', async () => {
      await pods.stop();
      for (const pod of pods.pods) {
        const states = pod.process
          .entries()
          .filter((e) => e.context === 'StateStore')
          .map((e) => {
            const msg = String(e.msg);
            if (
              e.level === 40 &&
              /^Redis at redis:\/\/127\.0\.0\.1:\d+\/0 unavailable \(.+\): replay/.test(msg)
            )
              return 'per pod';
            if (
              e.level === 30 &&
              /^Redis at .* (connected: state is shared|answers again: sharing resumed)/.test(msg)
            )
              return 'shared';
            return `unexpected: ${String(e.level)} ${msg}`;
          });
        // Connected, then the two outages (kill, freeze) and their ends: each line a change, in turn.
        expect(states[0]).toBe('shared');
        expect(states.at(-1)).toBe('shared');
        states.forEach((state, i) => expect([i, state]).toEqual([i, i % 2 === 0 ? 'shared' : 'per pod']));
        expect(states.length).toBeGreaterThanOrEqual(5);
        expect(states.length).toBeLessThan(20);
        expect(pod.process.lines.join('\n')).not.toContain(TOKEN);
        expect(pod.process.lines.join('\n')).not.toContain(USER);
      }
    });
  });
});

describe('a production pod without a shared store', () => {
  it('warns at start-up that replay protection, event dedupe and attributes are per pod', async () => {
    const pod = await ServiceProcess.start({
      root: join(__dirname, '../..'),
      env: { NODE_ENV: 'production', ALEXA_SKILL_ID: 'amzn1.ask.skill.00000000-0000-4000-8000-000000000000' },
    });
    const exit = await pod.stop();
    expect(exit.code).toBe(0);
    const warnings = pod.entries().filter((e) => e.level === 40 && String(e.msg).includes('no REDIS_URL'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toContain('with more than one replica, set REDIS_URL');
  });
});
