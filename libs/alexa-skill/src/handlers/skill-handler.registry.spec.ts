import { Injectable, Module, Scope } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { Response } from 'ask-sdk-model';
import { MetricsModule } from '@lib/metrics';
import { StateStoreModule } from '@lib/state-store';
import { AlexaSkillModule } from '../alexa-skill.module';
import { IntentHandler, RequestHandler } from './skill-handler.decorators';
import { SkillHandlerRegistry } from './skill-handler.registry';

@IntentHandler('DuplicateIntent')
class FirstHandler {
  handle(): Response {
    return {};
  }
}

@IntentHandler('DuplicateIntent')
class SecondHandler {
  handle(): Response {
    return {};
  }
}

@RequestHandler('LaunchRequest')
class CustomLaunchHandler {
  handle(): Response {
    return {};
  }
}

@Injectable({ scope: Scope.REQUEST })
@IntentHandler('ScopedIntent')
class RequestScopedHandler {
  handle(): Response {
    return {};
  }
}

async function boot(providers: Array<new () => unknown>, skill = AlexaSkillModule.forRoot({})) {
  @Module({ providers })
  class DomainModule {}
  const moduleRef = await Test.createTestingModule({
    imports: [
      MetricsModule.forRoot({ serve: false, defaultMetrics: false }),
      StateStoreModule.forRoot({}),
      skill,
      DomainModule,
    ],
  }).compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter());
  await app.init();
  return app;
}

describe('SkillHandlerRegistry', () => {
  it('fails fast when two handlers claim one intent', async () => {
    await expect(boot([FirstHandler, SecondHandler])).rejects.toThrow(
      'Two handlers for intent "DuplicateIntent": FirstHandler and SecondHandler',
    );
  });

  it('lets a domain handler replace a built-in one without touching the core', async () => {
    const app = await boot([CustomLaunchHandler]);
    expect(app.get(SkillHandlerRegistry).byRequestType.get('LaunchRequest')?.handlerName).toBe(
      'CustomLaunchHandler',
    );
    await app.close();
  });

  it.each([
    ['forRoot', () => AlexaSkillModule.forRoot({ builtInHandlers: false })],
    ['forRootAsync', () => AlexaSkillModule.forRootAsync({ useFactory: () => ({}), builtInHandlers: false })],
  ])('leaves the built-in handlers out when asked, with %s', async (_how, skill) => {
    const app = await boot([], skill());
    const registry = app.get(SkillHandlerRegistry);
    expect(registry.byRequestType.get('LaunchRequest')).toBeUndefined();
    expect(registry.byIntent.get('AMAZON.HelpIntent')).toBeUndefined();
    await app.close();
    const withBuiltIns = await boot([], AlexaSkillModule.forRootAsync({ useFactory: () => ({}) }));
    expect(withBuiltIns.get(SkillHandlerRegistry).byRequestType.get('LaunchRequest')).toBeDefined();
    await withBuiltIns.close();
  });

  it('refuses request-scoped handlers', async () => {
    await expect(boot([RequestScopedHandler])).rejects.toThrow(/must be a singleton/);
  });
});
