import { EventEmitter, once } from 'node:events';
import { Agent } from 'node:http';
import { alexaRequest, type AlexaRequestBuilder } from '../../tools/alexa-request/envelope.ts';
import { type FakeBehaviour, type FakeMusicApi, startFakeMusicApi } from '../../tools/fake-music-api.ts';
import { type Exchange, exchange } from '../../tools/soak/http-client.ts';
import { createTestApp, type TestApp } from '../support/test-app';
import { MetricCounters } from './support/metric-counters';
import { signingIdentity } from './support/signing-identity';
import { signRequest } from '../../tools/alexa-request/sign.ts';
import { until, within } from '../support/until';

// Upstream faults under load: concurrent Alexa traffic on real sockets while the music API flaps
// between healthy, slow, failing, hanging, rate-limited and malformed. Every request must still get HTTP 200
// with a valid envelope inside the deadline, nothing may escape as an unhandled rejection, and once the API is
// healthy again the circuit breaker closes and users hear real answers. A phase lasts until its behaviour met
// enough upstream calls and enough Alexa requests were answered during it, however fast the machine is.

const TOKEN = 'faults-linked-token-91ad';
const DEADLINE_MS = 3_000;
const CLIENTS = 16;
/** Upstream calls (the breaker's probes included) that meet a phase's behaviour before the next phase. */
const UPSTREAM_CALLS_PER_PHASE = 4;
/** Alexa requests answered during a phase before the next one. */
const ANSWERS_PER_PHASE = 2 * CLIENTS;
const FLAPS: ReadonlyArray<FakeBehaviour | 'healthy'> = [
  'healthy',
  { mode: 'slow', delayMs: 500 },
  { mode: 'fail', status: 503 },
  'healthy',
  { mode: 'hang' },
  { mode: '429', retryAfter: 1 },
  { mode: 'malformed' },
  { mode: 'fail', status: 500 },
  { mode: 'slow', delayMs: 250 },
  { mode: 'hang' },
];

describe('upstream faults under load', () => {
  let t: TestApp;
  let music: FakeMusicApi;
  let port: number;
  let counters: MetricCounters;
  const fatal: unknown[] = [];
  const onFatal = (error: unknown): void => void fatal.push(error);

  beforeAll(async () => {
    process.on('unhandledRejection', onFatal);
    music = await startFakeMusicApi({ tokens: { [TOKEN]: { displayName: 'Flappy' } }, control: false });
    const { env } = await signingIdentity();
    t = await createTestApp({
      env: {
        ...env,
        MUSIC_API_BASE_URL: music.url,
        MUSIC_API_TOTAL_BUDGET_MS: '1200',
        MUSIC_API_ATTEMPT_TIMEOUT_MS: '300',
        MUSIC_API_RETRY_BASE_DELAY_MS: '20',
        MUSIC_API_BREAKER_FAILURES: '5',
        MUSIC_API_BREAKER_HALF_OPEN_AFTER_MS: '500',
        PROGRESSIVE_RESPONSE_DELAY_MS: '400',
        ALEXA_API_ENDPOINT_ALLOW_ANY: 'true',
        ALEXA_DEADLINE_MS: String(DEADLINE_MS),
      },
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as { port: number }).port;
    counters = new MetricCounters(t.app);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onFatal);
    await t?.close();
    await music?.close();
  });

  const kinds: ReadonlyArray<() => AlexaRequestBuilder> = [
    () => alexaRequest().intent('WhatsPlayingIntent').linked(TOKEN),
    () => alexaRequest().intent('PlayMusicIntent', { query: 'Queen' }).linked(TOKEN),
    () => alexaRequest().launch().linked(TOKEN),
    () => alexaRequest().intent('AMAZON.PauseIntent').linked(TOKEN),
    () => alexaRequest().launch(),
    () => alexaRequest().intent('AMAZON.HelpIntent'),
  ];

  async function send(build: () => AlexaRequestBuilder, agent: Agent): Promise<Exchange> {
    const { identity } = await signingIdentity();
    const body = build().apiEndpoint(music.url).body();
    return exchange({
      port,
      agent,
      body,
      headers: { 'content-type': 'application/json', ...signRequest(body, identity) },
    });
  }

  it('answers every request with a valid envelope inside the deadline while the API flaps, then recovers', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    const results: Exchange[] = [];
    const answers = new EventEmitter();
    let running = true;
    let next = 0;
    const client = async (): Promise<void> => {
      while (running) {
        results.push(await send(kinds[next++ % kinds.length], agent));
        answers.emit('answer');
      }
    };
    const answered = async (count: number): Promise<void> => {
      while (results.length < count) await once(answers, 'answer');
    };
    const upstreamCalls = async (count: number): Promise<void> => {
      while (music.hits() < count) await music.nextRequest();
    };
    const clients = Array.from({ length: CLIENTS }, () => client());
    try {
      for (const [index, phase] of FLAPS.entries()) {
        music.reset(); // hit counts start at 0
        if (phase !== 'healthy') music.behave(phase);
        await within(
          Promise.all([
            upstreamCalls(UPSTREAM_CALLS_PER_PHASE),
            answered(results.length + ANSWERS_PER_PHASE),
          ]),
          { what: `phase ${index} (${phase === 'healthy' ? phase : phase.mode}) met its calls` },
        );
      }
    } finally {
      music.reset(); // healthy for good
      running = false;
      await Promise.all(clients);
    }

    // Every answer: 200, a valid envelope, inside the deadline (Alexa gives up after 8 s).
    const speech = new Map<string, number>();
    for (const r of results) {
      expect({ status: r.status, error: r.error }).toEqual({ status: 200, error: undefined });
      const envelope = JSON.parse(r.body) as {
        version: string;
        response: { outputSpeech?: { ssml: string } };
      };
      expect(envelope.version).toBe('1.0');
      expect(r.doneAt - r.sentAt).toBeLessThan(DEADLINE_MS + 300);
      const said = classify(envelope.response.outputSpeech?.ssml);
      speech.set(said, (speech.get(said) ?? 0) + 1);
    }
    // The faults really happened: users heard "try again later", and the breaker opened.
    expect(speech.get('upstream down') ?? 0).toBeGreaterThan(0);
    expect(await transitionsTo('open')).toBeGreaterThan(0);

    // Recovery: after a half-open probe the breaker closes and a linked user hears a real answer.
    await until(
      async () => {
        const r = await send(kinds[0], agent);
        const said = classify(
          (JSON.parse(r.body) as { response: { outputSpeech?: { ssml: string } } }).response.outputSpeech
            ?.ssml,
        );
        return said === 'real answer' && (await circuitState()) === 0;
      },
      { what: 'a real answer with the breaker closed', intervalMs: 100 },
    );
    agent.destroy();
    expect(fatal).toEqual([]);

    const latencies = results.map((r) => r.doneAt - r.sentAt).sort((a, b) => a - b);
    process.stderr.write(
      `[upstream-faults] ${results.length} requests, p50 ${Math.round(latencies[Math.floor(latencies.length * 0.5)])} ms, p99 ${Math.round(latencies[Math.floor(latencies.length * 0.99)])} ms, max ${Math.round(latencies.at(-1)!)} ms; ${[...speech].map(([k, n]) => `${n}x ${k}`).join(', ')}; breaker opened ${await transitionsTo('open')}x\n`,
    );
  }, 60_000); // each wait below has its own 20 s bound, which names what did not happen

  async function transitionsTo(to: string): Promise<number> {
    return (await counters.samples('upstream_circuit_transitions_total'))
      .filter((s) => s.labels.provider === 'music' && s.labels.to === to)
      .reduce((sum, s) => sum + s.value, 0);
  }

  async function circuitState(): Promise<number | undefined> {
    return (await counters.samples('upstream_circuit_state')).find((s) => s.labels.provider === 'music')
      ?.value;
  }
});

function classify(ssml: string | undefined): string {
  if (ssml === undefined) return 'no speech';
  if (ssml.includes("isn't answering")) return 'upstream down';
  if (ssml.includes('busy right now')) return 'rate limited';
  if (ssml.includes('link your')) return 'link card';
  if (ssml.includes('went wrong')) return 'apology';
  if (
    /You can ask me|Welcome back|Nothing is playing|This is |is paused|Playing |Paused|couldn't find|active player/.test(
      ssml,
    )
  ) {
    return 'real answer';
  }
  return 'other';
}
