import { alexaRequest, type AlexaRequestBuilder } from '../../tools/alexa-request/envelope.ts';
import { type FakeMusicApi, startFakeMusicApi } from '../../tools/fake-music-api.ts';
import { createTestApp, metricValue, type TestApp } from '../support/test-app';
import { until } from '../support/until';

/** Every secret the music suites send: none may ever appear in a log line. */
export const TOKENS = {
  /** A linked user the fake API knows (display name "Ada Lovelace"). */
  linked: 'Atza|IwEBImusic-linked-token-7f3a91',
  /** A token the fake API answers 401 for (expired or revoked upstream). */
  revoked: 'Atza|IwEBImusic-revoked-token-52c0d4',
  /** A valid token without the scopes the skill needs (403). */
  narrow: 'Atza|IwEBImusic-narrow-scope-token-9e17b2',
  /** The `context.System.apiAccessToken` the request builder sends (progressive responses carry it). */
  alexaApi: 'demo-api-access-token',
} as const;

export interface MusicApp {
  t: TestApp;
  fake: FakeMusicApi;
  /** A request from the linked user, whose progressive responses (if any) go to the fake API. */
  linked(): AlexaRequestBuilder;
  /** Runs a scenario and returns how a metric sample changed during it, read from `GET /metrics`. */
  during(scenario: () => Promise<void>): Promise<(name: string, labels: Record<string, string>) => number>;
  /** One metric sample now. */
  metric(name: string, labels: Record<string, string>): Promise<number>;
  /** Resolves once a metric sample reaches `atLeast`: for work the app finishes after it answered. */
  until(name: string, labels: Record<string, string>, atLeast?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real app (signed requests, verification on) with a fake music API on 127.0.0.1 as its upstream.
 * `env` tunes the music client; keep delays short so the suite stays fast.
 *
 * Start one per test file: nestjs-pino keeps one root logger per process (module registry), so the Nest
 * log lines of a second app in the same file would land in the first app's `logs`, and the no-token
 * check would not see them.
 */
export async function startMusicApp(env: Record<string, string> = {}): Promise<MusicApp> {
  const fake = await startFakeMusicApi({
    tokens: { [TOKENS.linked]: { displayName: 'Ada Lovelace' } },
    insufficientScopeTokens: [TOKENS.narrow],
  });
  const t = await createTestApp({
    env: {
      MUSIC_API_BASE_URL: fake.url,
      // Progressive responses may go to the fake's POST /v1/directives (never to Amazon from a test).
      ALEXA_API_ENDPOINT_ALLOW_ANY: 'true',
      // The most verbose level, so the no-token-in-logs check sees every line the app can write.
      LOG_LEVEL: 'trace',
      ...env,
    },
  });
  const metric = async (name: string, labels: Record<string, string>): Promise<number> =>
    metricValue(await t.metrics(), name, labels);
  return {
    t,
    fake,
    linked: () => alexaRequest().linked(TOKENS.linked).apiEndpoint(fake.url),
    async during(scenario) {
      const before = await t.metrics();
      await scenario();
      const after = await t.metrics();
      return (name, labels) => metricValue(after, name, labels) - metricValue(before, name, labels);
    },
    metric,
    async until(name, labels, atLeast = 1) {
      await until(async () => (await metric(name, labels)) >= atLeast, {
        what: `${name} at ${atLeast} or more`,
        timeoutMs: 10_000,
      });
    },
    async close() {
      await t.close();
      await fake.close();
    },
  };
}

/** The SSML an answer speaks. */
export function speechOf(res: { json: () => any }): string {
  return res.json().response.outputSpeech?.ssml as string;
}

/** Asserts that no secret of {@link TOKENS} appears in anything the app logged (and that it logged). */
export function expectNoTokenInLogs(t: TestApp): void {
  const text = t.logs.text();
  expect(text).toContain('request completed');
  for (const secret of Object.values(TOKENS)) expect(text).not.toContain(secret);
  // The distinctive middle of each token too, in case a prefix or the bearer scheme were cut off.
  for (const secret of Object.values(TOKENS)) expect(text).not.toContain(secret.slice(6, -2));
}
