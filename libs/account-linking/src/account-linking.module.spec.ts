import { Injectable, Logger, Module, type ModuleMetadata } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { readEnvelope } from '@lib/alexa-protocol';
import { AlexaSkillModule, AlexaSkillService, IntentHandler } from '@lib/alexa-skill';
import { MetricsModule } from '@lib/metrics';
import { StateStoreModule } from '@lib/state-store';
import type { RequestEnvelope, Response } from 'ask-sdk-model';
import { AccountLinkingModule } from './account-linking.module';
import { ACCOUNT_LINKING_EVENTS, type AccountLinkingEvent } from './events/account-linking.events';
import { RequiresLinkedAccount } from './linking/requires-linked-account.decorator';

@IntentHandler('SecretIntent')
@RequiresLinkedAccount()
class SecretHandler {
  handle(): Response {
    return {};
  }
}

@Injectable()
class EnabledListener {
  readonly received: AccountLinkingEvent[] = [];
  @OnEvent(ACCOUNT_LINKING_EVENTS.enabled)
  onEnabled(event: AccountLinkingEvent): void {
    this.received.push(event);
  }
}

@Module({ providers: [SecretHandler, EnabledListener] })
class DomainModule {}

async function boot(imports: ModuleMetadata['imports']) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      MetricsModule.forRoot({ serve: false, defaultMetrics: false }),
      StateStoreModule.forRoot({}),
      AlexaSkillModule.forRoot({}),
      ...(imports ?? []),
      DomainModule,
    ],
  }).compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  await app.init();
  return app;
}

const envelope = (request: Record<string, unknown>): RequestEnvelope =>
  ({
    version: '1.0',
    context: { System: { user: { userId: 'amzn1.ask.account.X' } } },
    request: { requestId: `r-${Math.random()}`, locale: 'de-DE', ...request },
  }) as unknown as RequestEnvelope;

/** Answers an envelope the way the skill endpoint does: with its facts, read once. */
const answer = (app: { get: (type: typeof AlexaSkillService) => AlexaSkillService }, body: RequestEnvelope) =>
  app
    .get(AlexaSkillService)
    .handle(body, readEnvelope(body).facts!, { epochMs: Date.now(), monotonicMs: performance.now() });

describe('AccountLinkingModule', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('takes its options from forRootAsync (e.g. from ConfigService)', async () => {
    const app = await boot([
      ConfigModule.forRoot({
        ignoreEnvFile: true,
        load: [() => ({ LINK_TEXT: 'Konto verknüpfen, bitte.' })],
      }),
      AccountLinkingModule.forRootAsync({
        imports: [ConfigModule],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          texts: { 'de-DE': { linkAccount: config.getOrThrow<string>('LINK_TEXT') } },
        }),
      }),
    ]);
    const { body } = await answer(app, envelope({ type: 'IntentRequest', intent: { name: 'SecretIntent' } }));
    expect(JSON.parse(body).response).toEqual({
      outputSpeech: { type: 'SSML', ssml: '<speak>Konto verknüpfen, bitte.</speak>' },
      card: { type: 'LinkAccount' },
      shouldEndSession: true,
    });
    await app.close();
  });

  it('stops the start on an invalid option, naming it', async () => {
    await expect(boot([AccountLinkingModule.forRoot({ maxTokenLength: -1 })])).rejects.toThrow(
      'AccountLinkingModule: maxTokenLength must be a positive integer, got -1',
    );
  });

  it('delivers each event once when the app configures EventEmitterModule itself as well', async () => {
    const app = await boot([
      EventEmitterModule.forRoot({ wildcard: true }),
      AccountLinkingModule.forRoot({}),
    ]);
    await answer(app, envelope({ type: 'AlexaSkillEvent.SkillEnabled', body: {} }));
    expect(app.get(EnabledListener).received).toHaveLength(1);
    await app.close();
  });
});
