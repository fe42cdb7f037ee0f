import { alexaRequest } from '../../../tools/alexa-request/envelope.ts';
import type { FakeMusicApi } from '../../../tools/fake-music-api.ts';
import type { TestApp } from '../../support/test-app';

// The scripted linking funnel, in phases (a test may wait for a scrape between them so that rates see the
// traffic grow), with the counts it implies. Every request's answer is checked on the way, so the script
// does what it says.

export const FUNNEL_TOKENS = {
  /** Accepted by the fake music API. */
  linked: 'Atza|IwEBIfunnel-linked-user-0001',
  /** Not accepted: the fake answers 401, the app answers with a link card. */
  revoked: 'Atza|IwEBIfunnel-revoked-user-0002',
} as const;

/** Client settings that make retries quick and let three failed attempts open the breaker. */
export const FUNNEL_ENV = {
  MUSIC_API_MAX_RETRIES: '2',
  MUSIC_API_RETRY_BASE_DELAY_MS: '1',
  MUSIC_API_BREAKER_FAILURES: '3',
  MUSIC_API_BREAKER_HALF_OPEN_AFTER_MS: '60000',
} as const;

/** The `@RequiresLinkedAccount` handlers the script reaches (the `handler` label values). */
export const FUNNEL_HANDLERS = ['MusicLaunchHandler', 'WhatsPlayingHandler'] as const;

/** What the script implies, by counter and label. */
export const FUNNEL_EXPECTED = {
  checks: { linked: 10, unlinked: 10, malformed: 0 },
  /** Of the 10 linked checks: 7 tokens served, 2 refused (401), 1 request whose upstream never answered. */
  verdicts: { accepted: 7, rejected: 2, forbidden: 0 },
  cards: { missing_token: 10, token_rejected: 2, malformed_token: 0 },
  linkedEvents: 3,
  tokenFailures: { missing: 10, rejected: 2 },
  /** requests with an accepted token / all checks */
  linkRate: 7 / 20,
  /** account-linked events / link cards */
  linkConversion: 3 / 12,
  requests: { total: 27, handler_error: 2, rejected: 2 },
  verificationFailures: { signature: 2 },
} as const;

type Alexa = TestApp['alexa'];

async function unlinkedLaunches(alexa: Alexa, n: number): Promise<void> {
  for (let i = 0; i < n; i++) expectLinkCard(await alexa(alexaRequest().launch()), 'unlinked launch');
}

async function accountLinkedEvents(alexa: Alexa, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await alexa(
      alexaRequest().event('AlexaSkillEvent.SkillAccountLinked', { accessToken: FUNNEL_TOKENS.linked }),
    );
    expectStatus(res, 200, 'SkillAccountLinked event');
  }
}

async function linked(alexa: Alexa, request: ReturnType<typeof alexaRequest>, what: string): Promise<void> {
  const res = await alexa(request.linked(FUNNEL_TOKENS.linked));
  expectStatus(res, 200, what);
  const body = res.json() as { response?: { card?: { type?: string } } };
  if (body.response?.card?.type === 'LinkAccount') throw new Error(`${what}: got a link card`);
}

async function explode(alexa: Alexa): Promise<void> {
  expectStatus(await alexa(alexaRequest().intent('ExplodeIntent')), 200, 'ExplodeIntent (handler error)');
}

async function badSignature(alexa: Alexa): Promise<void> {
  expectStatus(
    await alexa(alexaRequest().launch(), { 'signature-256': 'AAAA' }),
    400,
    'badly signed request',
  );
}

/**
 * Phase 1: 5 unlinked launches, 1 SkillAccountLinked, 1 handler error, 1 badly signed request.
 * Phase 2: 5 unlinked launches, 2 SkillAccountLinked, 3 linked launches (the first meets one 503 and is retried).
 * Phase 3: 2 linked launches, 2 linked "what's playing", 2 launches whose token the upstream rejects (401).
 * Phase 4: 1 handler error, 1 badly signed request, 1 linked launch while the upstream fails three times in a
 *          row (2 retries, the breaker opens, the user hears "try again later").
 * Together: 20 link checks (10 with a token: 7 accepted, 2 rejected, 1 without an answer), 12 link cards (10 missing token, 2 rejected token), 3 accounts linked.
 */
export const FUNNEL_PHASES: ReadonlyArray<(alexa: Alexa, fake: FakeMusicApi) => Promise<void>> = [
  async (alexa) => {
    await unlinkedLaunches(alexa, 5);
    await accountLinkedEvents(alexa, 1);
    await explode(alexa);
    await badSignature(alexa);
  },
  async (alexa, fake) => {
    await unlinkedLaunches(alexa, 5);
    await accountLinkedEvents(alexa, 2);
    const hits = fake.hits('/v1/me');
    fake.behave({ path: '/v1/me', mode: 'fail', status: 503, times: 1 });
    for (let i = 0; i < 3; i++) await linked(alexa, alexaRequest().launch(), 'linked launch');
    const calls = fake.hits('/v1/me') - hits;
    if (calls !== 4)
      throw new Error(`3 launches with one retried call: expected 4 upstream hits, saw ${calls}`);
  },
  async (alexa) => {
    for (let i = 0; i < 2; i++) await linked(alexa, alexaRequest().launch(), 'linked launch');
    for (let i = 0; i < 2; i++)
      await linked(alexa, alexaRequest().intent('WhatsPlayingIntent'), "what's playing");
    for (let i = 0; i < 2; i++) {
      expectLinkCard(await alexa(alexaRequest().launch().linked(FUNNEL_TOKENS.revoked)), 'revoked token');
    }
  },
  async (alexa, fake) => {
    await explode(alexa);
    await badSignature(alexa);
    fake.behave({ path: '/v1/me', mode: 'fail', status: 503, times: 3 });
    await linked(alexa, alexaRequest().launch(), 'linked launch, upstream down');
  },
];

function expectStatus(res: { statusCode: number }, status: number, what: string): void {
  if (res.statusCode !== status) throw new Error(`${what}: HTTP ${res.statusCode}, expected ${status}`);
}

function expectLinkCard(res: { statusCode: number; json: () => any }, what: string): void {
  expectStatus(res, 200, what);
  const type = res.json()?.response?.card?.type;
  if (type !== 'LinkAccount') throw new Error(`${what}: expected a LinkAccount card, got ${String(type)}`);
}
