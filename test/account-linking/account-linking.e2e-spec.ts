import { hashUserId } from '@lib/account-linking';
import { StateKeys, STATE_STORE, type StateStore } from '@lib/state-store';
import { alexaRequest, DEFAULT_SKILL_ID, DEFAULT_USER_ID } from '../../tools/alexa-request/envelope.ts';
import { BUILT_IN_APOLOGY, createTestApp, metricValue, type TestApp } from '../support/test-app';
import { LinkingTestDomainModule, LinkingEventsListener, TokenProbe } from './linking-test-domain.module';
import { LinkingTestUpstream } from './linking-test-upstream';

const LINK_CARD_EN = {
  outputSpeech: {
    type: 'SSML',
    ssml: '<speak>To use this, please link your account. I sent a card to the Alexa app that takes you there.</speak>',
  },
  card: { type: 'LinkAccount' },
  shouldEndSession: true,
};
const LINK_CARD_DE = {
  outputSpeech: {
    type: 'SSML',
    ssml: '<speak>Dafür musst du zuerst dein Konto verknüpfen. Ich habe dir dazu eine Karte in die Alexa-App geschickt.</speak>',
  },
  card: { type: 'LinkAccount' },
  shouldEndSession: true,
};

// Every token any scenario sends: none may ever appear in the logs.
const TOKENS = {
  valid: 'Atza|IwEBIvalid-linked-token-0001',
  session: 'Atza|IwEBIsession-only-token-0002',
  method: 'Atza|IwEBImethod-protected-token-0003',
  open: 'Atza|IwEBIopen-handler-token-0004',
  revoked: 'revoked-Atza|IwEBItoken-0005',
  narrow: 'narrow-Atza|IwEBItoken-0006',
  malformed: 'Atza|IwEBI malformed token 0007',
  fromEvent: 'Atza|IwEBInew-token-from-event-0008',
};

describe('account linking (real app, real upstream)', () => {
  let t: TestApp;
  let upstream: LinkingTestUpstream;
  let probe: TokenProbe;
  let listener: LinkingEventsListener;
  /** GET /metrics right after start-up, before any request. */
  let startupMetrics: string;

  beforeAll(async () => {
    upstream = await new LinkingTestUpstream().start();
    t = await createTestApp({
      env: { LOG_LEVEL: 'trace' },
      accountLinking: { defaultProvider: 'test-default' },
      imports: [LinkingTestDomainModule.forUpstream(upstream.url)],
    });
    startupMetrics = await t.metrics();
    probe = t.app.get(TokenProbe);
    listener = t.app.get(LinkingEventsListener);
  });

  it('exposes the token-failure series of every provider a handler names, and of the default, at 0 from start-up', () => {
    // profile and profile-api are named only in @RequiresLinkedAccount({ provider }); test-default by the module.
    for (const provider of ['profile', 'profile-api', 'test-default']) {
      for (const reason of ['missing', 'malformed', 'rejected', 'forbidden', 'refresh_needed']) {
        expect(startupMetrics).toContain(
          `alexa_token_failures_total{provider="${provider}",reason="${reason}"} 0`,
        );
      }
    }
    expect(startupMetrics).toContain(
      'alexa_account_link_checks_total{handler="ProfileViaClientIntentHandler",result="linked"} 0',
    );
    expect(startupMetrics).not.toContain('alexa_account_link_checks_total{handler="GreetIntentHandler"');
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  /** Runs a scenario and returns how a metric sample changed during it, read from GET /metrics. */
  async function during(scenario: () => Promise<void>) {
    const before = await t.metrics();
    await scenario();
    const after = await t.metrics();
    return (name: string, labels: Record<string, string>) =>
      metricValue(after, name, labels) - metricValue(before, name, labels);
  }

  describe('a handler that requires a linked account', () => {
    it('runs for a linked user, with the token in its typed context', async () => {
      let body: any;
      const changed = await during(async () => {
        const res = await t.alexa(alexaRequest().intent('WhoAmIIntent').linked(TOKENS.valid));
        expect(res.statusCode).toBe(200);
        body = res.json();
      });
      expect(body.response).toEqual({
        outputSpeech: { type: 'SSML', ssml: '<speak>You are Ada.</speak>' },
        shouldEndSession: true,
      });
      expect(probe.seen.at(-1)).toEqual({ handler: 'WhoAmIIntentHandler', token: TOKENS.valid });
      expect(upstream.authorizations.at(-1)).toBe(`Bearer ${TOKENS.valid}`);
      expect(
        changed('alexa_account_link_checks_total', { handler: 'WhoAmIIntentHandler', result: 'linked' }),
      ).toBe(1);
      expect(
        changed('alexa_account_link_cards_total', {
          handler: 'WhoAmIIntentHandler',
          reason: 'missing_token',
        }),
      ).toBe(0);
    });

    it('takes the token from the session when the context has none', async () => {
      const envelope = JSON.parse(alexaRequest().intent('WhoAmIIntent').linked(TOKENS.session).body());
      delete envelope.context.System.user.accessToken;
      expect(envelope.session.user.accessToken).toBe(TOKENS.session);
      const res = await t.alexa(envelope);
      expect(res.json().response.outputSpeech.ssml).toBe('<speak>You are Ada.</speak>');
      expect(probe.seen.at(-1)).toEqual({ handler: 'WhoAmIIntentHandler', token: TOKENS.session });
    });

    it('answers an unlinked user with exactly a LinkAccount card, English speech and the session ended', async () => {
      const seenBefore = probe.seen.length;
      let res!: Awaited<ReturnType<TestApp['alexa']>>;
      const changed = await during(async () => {
        res = await t.alexa(alexaRequest().intent('WhoAmIIntent'));
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().version).toBe('1.0');
      expect(res.json().response).toEqual(LINK_CARD_EN);
      expect(probe.seen.length).toBe(seenBefore);
      expect(
        changed('alexa_account_link_checks_total', { handler: 'WhoAmIIntentHandler', result: 'unlinked' }),
      ).toBe(1);
      expect(
        changed('alexa_account_link_cards_total', {
          handler: 'WhoAmIIntentHandler',
          reason: 'missing_token',
        }),
      ).toBe(1);
      expect(changed('alexa_token_failures_total', { provider: 'profile', reason: 'missing' })).toBe(1);
    });

    it('speaks German to an unlinked user of a de-DE device', async () => {
      const res = await t.alexa(alexaRequest().intent('WhoAmIIntent').locale('de-DE'));
      expect(res.statusCode).toBe(200);
      expect(res.json().response).toEqual(LINK_CARD_DE);
    });

    it('protects a handler marked on its handle method, counting failures under the default provider', async () => {
      const changed = await during(async () => {
        const unlinked = await t.alexa(alexaRequest().intent('PlaylistsIntent'));
        expect(unlinked.json().response).toEqual(LINK_CARD_EN);
        const linked = await t.alexa(alexaRequest().intent('PlaylistsIntent').linked(TOKENS.method));
        expect(linked.json().response.outputSpeech.ssml).toBe('<speak>You have two playlists.</speak>');
      });
      expect(probe.seen.at(-1)).toEqual({ handler: 'PlaylistsIntentHandler', token: TOKENS.method });
      expect(
        changed('alexa_account_link_checks_total', { handler: 'PlaylistsIntentHandler', result: 'unlinked' }),
      ).toBe(1);
      expect(
        changed('alexa_account_link_checks_total', { handler: 'PlaylistsIntentHandler', result: 'linked' }),
      ).toBe(1);
      expect(changed('alexa_token_failures_total', { provider: 'test-default', reason: 'missing' })).toBe(1);
    });

    it('treats a malformed token as missing: link card, counted as malformed, handler not run', async () => {
      const seenBefore = probe.seen.length;
      const callsBefore = upstream.authorizations.length;
      const changed = await during(async () => {
        const res = await t.alexa(alexaRequest().intent('WhoAmIIntent').linked(TOKENS.malformed));
        expect(res.statusCode).toBe(200);
        expect(res.json().response).toEqual(LINK_CARD_EN);
      });
      expect(probe.seen.length).toBe(seenBefore);
      expect(upstream.authorizations.length).toBe(callsBefore);
      expect(
        changed('alexa_account_link_checks_total', { handler: 'WhoAmIIntentHandler', result: 'malformed' }),
      ).toBe(1);
      expect(
        changed('alexa_account_link_cards_total', {
          handler: 'WhoAmIIntentHandler',
          reason: 'malformed_token',
        }),
      ).toBe(1);
      expect(changed('alexa_token_failures_total', { provider: 'profile', reason: 'malformed' })).toBe(1);
      expect(changed('alexa_token_failures_total', { provider: 'profile', reason: 'missing' })).toBe(0);
    });
  });

  describe('tokens the upstream refuses', () => {
    it('turns an upstream 401 into the link card and counts a rejected token', async () => {
      let res!: Awaited<ReturnType<TestApp['alexa']>>;
      const changed = await during(async () => {
        res = await t.alexa(alexaRequest().intent('WhoAmIIntent').linked(TOKENS.revoked));
      });
      expect(upstream.authorizations.at(-1)).toBe(`Bearer ${TOKENS.revoked}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().version).toBe('1.0');
      expect(res.json().response).toEqual(LINK_CARD_EN);
      expect(changed('alexa_token_failures_total', { provider: 'profile', reason: 'rejected' })).toBe(1);
      expect(
        changed('alexa_account_link_cards_total', {
          handler: 'WhoAmIIntentHandler',
          reason: 'token_rejected',
        }),
      ).toBe(1);
      expect(changed('alexa_requests_total', { intent: 'WhoAmIIntent', outcome: 'handler_error' })).toBe(0);
      // The handler calls the upstream itself and throws: the error handler gives the funnel its verdict.
      const verdict = (v: string) =>
        changed('alexa_account_link_token_verdicts_total', { handler: 'WhoAmIIntentHandler', verdict: v });
      expect([verdict('accepted'), verdict('rejected'), verdict('forbidden')]).toEqual([0, 1, 0]);
    });

    it('speaks the rejected-token answer in German too', async () => {
      const res = await t.alexa(alexaRequest().intent('WhoAmIIntent').linked(TOKENS.revoked).locale('de-DE'));
      expect(res.json().response).toEqual(LINK_CARD_DE);
    });

    it('answers an upstream 403 with its own speech and no card, and counts it as forbidden', async () => {
      let res!: Awaited<ReturnType<TestApp['alexa']>>;
      const changed = await during(async () => {
        res = await t.alexa(alexaRequest().intent('WhoAmIIntent').linked(TOKENS.narrow));
      });
      expect(upstream.authorizations.at(-1)).toBe(`Bearer ${TOKENS.narrow}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().response).toEqual({
        outputSpeech: {
          type: 'SSML',
          ssml: "<speak>Your linked account isn't allowed to do that. Please check your account's permissions with its provider.</speak>",
        },
        shouldEndSession: true,
      });
      expect(changed('alexa_token_failures_total', { provider: 'profile', reason: 'forbidden' })).toBe(1);
      expect(
        changed('alexa_account_link_cards_total', {
          handler: 'WhoAmIIntentHandler',
          reason: 'token_rejected',
        }),
      ).toBe(0);
      expect(
        changed('alexa_account_link_token_verdicts_total', {
          handler: 'WhoAmIIntentHandler',
          verdict: 'forbidden',
        }),
      ).toBe(1);
    });
    it('turns the 401 and 403 errors of the real resilient client into answers, labelled with its provider', async () => {
      const changed = await during(async () => {
        const ok = await t.alexa(alexaRequest().intent('ProfileViaClientIntent').linked(TOKENS.valid));
        expect(ok.json().response.outputSpeech.ssml).toBe('<speak>Hi Ada.</speak>');
        const revoked = await t.alexa(alexaRequest().intent('ProfileViaClientIntent').linked(TOKENS.revoked));
        expect(revoked.json().response).toEqual(LINK_CARD_EN);
        const narrow = await t.alexa(alexaRequest().intent('ProfileViaClientIntent').linked(TOKENS.narrow));
        expect(narrow.json().response.card).toBeUndefined();
        expect(narrow.json().response.outputSpeech.ssml).toContain("isn't allowed to do that");
      });
      expect(changed('alexa_token_failures_total', { provider: 'profile-api', reason: 'rejected' })).toBe(1);
      expect(changed('alexa_token_failures_total', { provider: 'profile-api', reason: 'forbidden' })).toBe(1);
      expect(
        changed('alexa_account_link_cards_total', {
          handler: 'ProfileViaClientIntentHandler',
          reason: 'token_rejected',
        }),
      ).toBe(1);
      // One verdict per request, though the client and the error handler both report the 401 and the 403.
      const verdict = (v: string) =>
        changed('alexa_account_link_token_verdicts_total', {
          handler: 'ProfileViaClientIntentHandler',
          verdict: v,
        });
      expect([verdict('accepted'), verdict('rejected'), verdict('forbidden')]).toEqual([1, 1, 1]);
    });
  });

  describe('a handler that does not require linking', () => {
    it('sees the token when present and runs without it, outside the funnel metrics', async () => {
      const changed = await during(async () => {
        const linked = await t.alexa(alexaRequest().intent('GreetIntent').linked(TOKENS.open));
        expect(linked.json().response.outputSpeech.ssml).toBe('<speak>Welcome back!</speak>');
        expect(probe.seen.at(-1)).toEqual({ handler: 'GreetIntentHandler', token: TOKENS.open });
        const unlinked = await t.alexa(alexaRequest().intent('GreetIntent'));
        expect(unlinked.json().response.outputSpeech.ssml).toBe('<speak>Hello, stranger!</speak>');
        expect(unlinked.json().response.card).toBeUndefined();
        expect(probe.seen.at(-1)).toEqual({ handler: 'GreetIntentHandler', token: undefined });
      });
      for (const result of ['linked', 'unlinked', 'malformed']) {
        expect(changed('alexa_account_link_checks_total', { handler: 'GreetIntentHandler', result })).toBe(0);
      }
    });
  });

  describe('a handler that reads the token without requiring linking', () => {
    it('fails loudly, even for a linked user: the apology, an error log naming the handler and the missing decorator', async () => {
      const seenBefore = probe.seen.length;
      const changed = await during(async () => {
        const res = await t.alexa(alexaRequest().intent('ForgotTheDecoratorIntent').linked(TOKENS.open));
        expect(res.statusCode).toBe(200);
        expect(res.json().response).toEqual(BUILT_IN_APOLOGY);
      });
      expect(probe.seen).toHaveLength(seenBefore);
      const failure = t.logs
        .entries()
        .find(
          (entry) =>
            entry.msg === 'skill handler failed' && entry.handler === 'ForgotTheDecoratorIntentHandler',
        );
      expect((failure?.err as { message?: string } | undefined)?.message).toBe(
        'ForgotTheDecoratorIntentHandler calls context.requireAccessToken() but is not marked ' +
          '@RequiresLinkedAccount() (from @lib/account-linking, whose module must be imported): add the ' +
          'decorator, so that an unlinked user gets the link card instead of this error',
      );
      expect(
        changed('alexa_requests_total', { intent: 'ForgotTheDecoratorIntent', outcome: 'handler_error' }),
      ).toBe(1);
    });
  });

  describe('skill events', () => {
    const cases = [
      ['AlexaSkillEvent.SkillAccountLinked', 'linked', { accessToken: TOKENS.fromEvent }],
      ['AlexaSkillEvent.SkillEnabled', 'enabled', {}],
      ['AlexaSkillEvent.SkillDisabled', 'disabled', { userInformationPersistenceStatus: 'PERSISTED' }],
      [
        'AlexaSkillEvent.SkillPermissionAccepted',
        'permission_accepted',
        { acceptedPermissions: [{ scope: 'alexa::profile:email:read' }] },
      ],
      [
        'AlexaSkillEvent.SkillPermissionChanged',
        'permission_changed',
        {
          acceptedPermissions: [
            { scope: 'alexa::profile:name:read' },
            { scope: 'alexa::alerts:reminders:skill:readwrite' },
          ],
        },
      ],
    ] as const;

    it.each(cases)(
      'acknowledges %s with an empty response, counts it and emits it to listeners',
      async (type, event, body) => {
        const requestId = `amzn1.echo-api.request.event-${event}`;
        let res!: Awaited<ReturnType<TestApp['alexa']>>;
        const changed = await during(async () => {
          res = await t.alexa(
            alexaRequest()
              .event(type, { ...body })
              .requestId(requestId),
          );
        });
        expect(res.statusCode).toBe(200);
        expect(res.json().response).toEqual({});
        expect(changed('alexa_account_link_events_total', { event })).toBe(1);
        const received = listener.received.filter((r) => r.event.requestId === requestId);
        expect(received).toHaveLength(1);
        expect(received[0].name).toBe(`account-linking.${event}`);
        expect(received[0].event).toMatchObject({
          event,
          requestId,
          userId: DEFAULT_USER_ID,
          userIdHash: hashUserId(DEFAULT_USER_ID),
          locale: 'en-US',
        });
        expect(received[0].event.accessToken).toBeUndefined();
        const line = t.logs.entries().find((e) => e.msg === 'skill event' && e.requestId === requestId);
        expect(line).toMatchObject({ event, user: hashUserId(DEFAULT_USER_ID) });
      },
    );

    it('passes the accepted scopes and the persistence status to listeners', () => {
      const byEvent = new Map(listener.received.map((r) => [r.event.event, r.event]));
      expect(byEvent.get('permission_changed')?.acceptedPermissions).toEqual([
        'alexa::profile:name:read',
        'alexa::alerts:reminders:skill:readwrite',
      ]);
      expect(byEvent.get('disabled')?.userInformationPersistenceStatus).toBe('PERSISTED');
    });

    it("deletes a user's persistent attributes when they disable the skill for good (NOT_PERSISTED)", async () => {
      const store = t.app.get<StateStore>(STATE_STORE);
      const keyOf = (user: string) => t.app.get(StateKeys).user(DEFAULT_SKILL_ID, user);
      const disable = (user: string, status: string) =>
        t.alexa(
          alexaRequest()
            .user(user)
            .event('AlexaSkillEvent.SkillDisabled', { userInformationPersistenceStatus: status }),
        );
      for (const user of ['amzn1.ask.account.LEAVING', 'amzn1.ask.account.PAUSING']) {
        await store.set(keyOf(user), '{"music":{"lastQuery":"Queen"}}', 60_000);
      }
      expect((await disable('amzn1.ask.account.LEAVING', 'NOT_PERSISTED')).statusCode).toBe(200);
      expect((await disable('amzn1.ask.account.PAUSING', 'PERSISTED')).statusCode).toBe(200);
      expect(await store.get(keyOf('amzn1.ask.account.LEAVING'))).toBeUndefined();
      expect(await store.get(keyOf('amzn1.ask.account.PAUSING'))).toBe('{"music":{"lastQuery":"Queen"}}');
    });

    it('counts and emits an event that Amazon redelivers (same request ID) only once', async () => {
      const requestId = 'amzn1.echo-api.request.redelivered-link';
      const changed = await during(async () => {
        for (let delivery = 0; delivery < 3; delivery++) {
          const res = await t.alexa(
            alexaRequest()
              .event('AlexaSkillEvent.SkillAccountLinked', { accessToken: TOKENS.fromEvent })
              .requestId(requestId),
          );
          expect(res.statusCode).toBe(200);
          expect(res.json().response).toEqual({});
        }
      });
      expect(changed('alexa_account_link_events_total', { event: 'linked' })).toBe(1);
      expect(listener.received.filter((r) => r.event.requestId === requestId)).toHaveLength(1);
    });
  });

  it('never writes a token or the raw user ID to the logs', () => {
    const text = t.logs.text();
    expect(text).toContain('access token rejected upstream (401)');
    expect(text).toContain('malformed access token');
    for (const token of Object.values(TOKENS)) expect(text).not.toContain(token);
    for (const fragment of ['IwEBI', DEFAULT_USER_ID]) expect(text).not.toContain(fragment);
  });
});

describe('account linking with module options', () => {
  let t: TestApp;
  let upstream: LinkingTestUpstream;

  beforeAll(async () => {
    upstream = await new LinkingTestUpstream().start();
    t = await createTestApp({
      accountLinking: {
        texts: { 'de-DE': { linkAccount: 'Bitte verknüpfe zuerst dein Konto in der Alexa-App.' } },
        tokenShapeCheck: false,
        includeTokenInLinkedEvent: true,
        defaultProvider: 'default',
      },
      imports: [LinkingTestDomainModule.forUpstream(upstream.url)],
    });
  });
  afterAll(async () => {
    await t.close();
    await upstream.stop();
  });

  it('speaks the overridden text, keeping the defaults for other locales', async () => {
    const german = await t.alexa(alexaRequest().intent('WhoAmIIntent').locale('de-DE'));
    expect(german.json().response).toEqual({
      outputSpeech: {
        type: 'SSML',
        ssml: '<speak>Bitte verknüpfe zuerst dein Konto in der Alexa-App.</speak>',
      },
      card: { type: 'LinkAccount' },
      shouldEndSession: true,
    });
    const english = await t.alexa(alexaRequest().intent('WhoAmIIntent'));
    expect(english.json().response).toEqual(LINK_CARD_EN);
  });

  it('passes an oddly shaped token on when the shape check is off', async () => {
    const res = await t.alexa(alexaRequest().intent('PlaylistsIntent').linked('odd token with spaces'));
    expect(res.json().response.outputSpeech.ssml).toBe('<speak>You have two playlists.</speak>');
    expect(t.app.get(TokenProbe).seen.at(-1)).toEqual({
      handler: 'PlaylistsIntentHandler',
      token: 'odd token with spaces',
    });
  });

  it('puts the new token into the linked event when the module opts in', async () => {
    await t.alexa(
      alexaRequest().event('AlexaSkillEvent.SkillAccountLinked', { accessToken: TOKENS.fromEvent }),
    );
    const linked = t.app.get(LinkingEventsListener).received.find((r) => r.event.event === 'linked');
    expect(linked?.event.accessToken).toBe(TOKENS.fromEvent);
    expect(t.logs.text()).not.toContain(TOKENS.fromEvent);
  });

  it('labels failures with the default provider "default" when none is configured', async () => {
    const metrics = await t.metrics();
    expect(metrics).toContain('alexa_token_failures_total{provider="default",reason="refresh_needed"} 0');
    await t.alexa(alexaRequest().intent('PlaylistsIntent'));
    expect(
      metricValue(await t.metrics(), 'alexa_token_failures_total', {
        provider: 'default',
        reason: 'missing',
      }),
    ).toBe(1);
  });
});
