import type { DiscoveryService } from '@nestjs/core';
import { Logger } from '@nestjs/common';
import { readEnvelope } from '@lib/alexa-protocol';
import { SkillRequestContext } from '@lib/alexa-skill';
import { type HandlerInput, ResponseFactory } from 'ask-sdk-core';
import type { RequestEnvelope, Response } from 'ask-sdk-model';
import { Registry } from 'prom-client';
import type { AccountLinkingModuleOptions } from '../account-linking-options.interface';
import { resolveAccountLinkingSettings } from '../account-linking.settings';
import { AccountLinkingMetrics } from '../metrics/account-linking.metrics';
import { AccountLinkingGuard } from './account-linking.guard';
import { LinkAccountAnswers } from './link-account.answers';
import { RequiresLinkedAccount } from './requires-linked-account.decorator';

@RequiresLinkedAccount({ provider: 'music' })
class ProtectedHandler {
  handle(): Response {
    return {};
  }
}

class OpenHandler {
  handle(): Response {
    return {};
  }
}

function setUp(options: AccountLinkingModuleOptions = {}) {
  const registry = new Registry();
  const settings = resolveAccountLinkingSettings(options);
  const metrics = new AccountLinkingMetrics(registry, settings);
  const providers = [ProtectedHandler, OpenHandler].map((metatype) => ({
    metatype,
    isDependencyTreeStatic: () => true,
  }));
  const discovery = { getProviders: () => providers } as unknown as DiscoveryService;
  const guard = new AccountLinkingGuard(settings, metrics, new LinkAccountAnswers(settings), discovery);
  const run = (handlerClass: new () => unknown, token: unknown, locale = 'en-US', type = 'IntentRequest') => {
    const envelope = {
      version: '1.0',
      context: { System: { user: { userId: 'u', accessToken: token } } },
      request: { type, requestId: 'r-1', locale },
    } as unknown as RequestEnvelope;
    const context = new SkillRequestContext(envelope, readEnvelope(envelope).facts!, Date.now() + 7000);
    const input = { requestEnvelope: envelope, responseBuilder: ResponseFactory.init() } as HandlerInput;
    const answer = guard.check(input, context, { handlerClass, handlerName: handlerClass.name });
    return { answer, context };
  };
  const value = async (name: string, labels: Record<string, string>) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const sample = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
    return sample?.value ?? 0;
  };
  return { run, value, guard, registry };
}

it('creates the funnel series of every protected handler at zero on start-up', async () => {
  const { guard, registry } = setUp();
  guard.onApplicationBootstrap();
  const text = await registry.metrics();
  expect(text).toContain('alexa_account_link_checks_total{handler="ProtectedHandler",result="linked"} 0');
  expect(text).toContain(
    'alexa_account_link_cards_total{handler="ProtectedHandler",reason="missing_token"} 0',
  );
  expect(text).not.toContain('handler="OpenHandler"');
});

describe('AccountLinkingGuard', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('lets a protected handler run with the token in the context, and counts a linked check', async () => {
    const { run, value } = setUp();
    const { answer, context } = run(ProtectedHandler, 'tok-123');
    expect(answer).toBeUndefined();
    expect(context.accessToken).toBe('tok-123');
    expect(context.requireAccessToken()).toBe('tok-123');
    expect(
      await value('alexa_account_link_checks_total', { handler: 'ProtectedHandler', result: 'linked' }),
    ).toBe(1);
  });

  it('answers a protected handler without a token with the link card, and counts it', async () => {
    const { run, value } = setUp();
    const { answer, context } = run(ProtectedHandler, undefined);
    expect(answer).toEqual({
      outputSpeech: {
        type: 'SSML',
        ssml: '<speak>To use this, please link your account. I sent a card to the Alexa app that takes you there.</speak>',
      },
      card: { type: 'LinkAccount' },
      shouldEndSession: true,
    });
    expect(context.accessToken).toBeUndefined();
    expect(
      await value('alexa_account_link_checks_total', { handler: 'ProtectedHandler', result: 'unlinked' }),
    ).toBe(1);
    expect(
      await value('alexa_account_link_cards_total', { handler: 'ProtectedHandler', reason: 'missing_token' }),
    ).toBe(1);
    expect(await value('alexa_token_failures_total', { provider: 'music', reason: 'missing' })).toBe(1);
  });

  it('treats a malformed token as missing, and counts it as malformed', async () => {
    const { run, value } = setUp();
    const { answer, context } = run(ProtectedHandler, 'two words');
    expect(answer?.card).toEqual({ type: 'LinkAccount' });
    expect(context.accessToken).toBeUndefined();
    expect(await value('alexa_account_link_checks_total', { result: 'malformed' })).toBe(1);
    expect(await value('alexa_account_link_cards_total', { reason: 'malformed_token' })).toBe(1);
    expect(await value('alexa_token_failures_total', { provider: 'music', reason: 'malformed' })).toBe(1);
    expect(await value('alexa_token_failures_total', { reason: 'missing' })).toBe(0);
  });

  it('gives open handlers the token when present, without counting them in the funnel', async () => {
    const { run, value } = setUp();
    const linked = run(OpenHandler, 'tok-9').context;
    expect(linked.accessToken).toBe('tok-9');
    // An open handler may use the token, but cannot count on it: requireAccessToken() is for protected ones.
    expect(() => linked.requireAccessToken()).toThrow(
      /@RequiresLinkedAccount\(\) \(from @lib\/account-linking/,
    );
    const unlinked = run(OpenHandler, undefined);
    expect(unlinked.answer).toBeUndefined();
    expect(unlinked.context.accessToken).toBeUndefined();
    expect(run(OpenHandler, 'bad token').context.accessToken).toBeUndefined();
    expect(await value('alexa_account_link_checks_total', {})).toBe(0);
  });

  it('speaks in the request locale, with the module overrides', () => {
    const { run } = setUp({ texts: { 'en-US': { linkAccount: 'Link it, please.' } } });
    expect(run(ProtectedHandler, undefined, 'de-DE').answer?.outputSpeech).toEqual({
      type: 'SSML',
      ssml: '<speak>Dafür musst du zuerst dein Konto verknüpfen. Ich habe dir dazu eine Karte in die Alexa-App geschickt.</speak>',
    });
    expect(run(ProtectedHandler, undefined, 'en-GB').answer?.outputSpeech).toEqual({
      type: 'SSML',
      ssml: '<speak>Link it, please.</speak>',
    });
  });

  it('labels token failures with the default provider when the handler names none', async () => {
    @RequiresLinkedAccount()
    class Anonymous {
      handle(): Response {
        return {};
      }
    }
    const { run, value } = setUp({ defaultProvider: 'spotify' });
    run(Anonymous, undefined);
    expect(await value('alexa_token_failures_total', { provider: 'spotify', reason: 'missing' })).toBe(1);
  });

  it('accepts any non-empty token when the shape check is off', () => {
    const { run } = setUp({ tokenShapeCheck: false });
    const { answer, context } = run(ProtectedHandler, 'two words');
    expect(answer).toBeUndefined();
    expect(context.accessToken).toBe('two words');
  });

  it('answers without speech or card where Alexa allows none, e.g. an AudioPlayer request', async () => {
    const { run, value } = setUp();
    const { answer } = run(ProtectedHandler, undefined, 'en-US', 'AudioPlayer.PlaybackNearlyFinished');
    expect(answer).toEqual({});
    expect(await value('alexa_account_link_checks_total', { result: 'unlinked' })).toBe(1);
    expect(await value('alexa_token_failures_total', { provider: 'music', reason: 'missing' })).toBe(1);
    expect(await value('alexa_account_link_cards_total', {})).toBe(0);
  });
});

describe('the token verdict (a token present is not a token that works)', () => {
  const verdicts = async (value: ReturnType<typeof setUp>['value']) => ({
    accepted: await value('alexa_account_link_token_verdicts_total', { verdict: 'accepted' }),
    rejected: await value('alexa_account_link_token_verdicts_total', { verdict: 'rejected' }),
    forbidden: await value('alexa_account_link_token_verdicts_total', { verdict: 'forbidden' }),
  });

  it('creates the verdict series of every protected handler at zero on start-up', async () => {
    const { guard, registry } = setUp();
    guard.onApplicationBootstrap();
    const text = await registry.metrics();
    for (const verdict of ['accepted', 'rejected', 'forbidden']) {
      expect(text).toContain(
        `alexa_account_link_token_verdicts_total{handler="ProtectedHandler",verdict="${verdict}"} 0`,
      );
    }
  });

  it.each([
    [200, 'accepted'],
    [204, 'accepted'],
    [404, 'accepted'],
    [401, 'rejected'],
    [403, 'forbidden'],
  ])('counts an upstream answer %i to the token as %s', async (status, verdict) => {
    const { run, value } = setUp();
    run(ProtectedHandler, 'tok').context.onTokenAnswer!(status);
    expect(await verdicts(value)).toEqual({ accepted: 0, rejected: 0, forbidden: 0, [verdict]: 1 });
  });

  it('counts only the first answer that says something about the token, once per request', async () => {
    const { run, value } = setUp();
    const { context } = run(ProtectedHandler, 'tok');
    context.onTokenAnswer!(429);
    context.onTokenAnswer!(503);
    context.onTokenAnswer!(200);
    context.onTokenAnswer!(401);
    context.onTokenAnswer!(200);
    expect(await verdicts(value)).toEqual({ accepted: 1, rejected: 0, forbidden: 0 });
  });

  it('asks for no verdict where there is no token or no protected handler', () => {
    const { run } = setUp();
    expect(run(ProtectedHandler, undefined).context.onTokenAnswer).toBeUndefined();
    expect(run(OpenHandler, 'tok').context.onTokenAnswer).toBeUndefined();
  });
});
