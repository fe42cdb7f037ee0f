import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { StateKeys, STATE_STORE, type StateStore } from '@lib/state-store';
import {
  ALEXA_SKILL_ENDPOINT_PATH,
  BUILT_IN_TEXTS_TOKEN,
  DEFAULT_ATTRIBUTES_TTL_SECONDS,
  DEFAULT_ENDPOINT_PATH,
  DEFAULT_DEADLINE_MS,
} from './alexa-skill.constants';
import {
  ALEXA_SKILL_ASYNC_OPTIONS_TYPE,
  ALEXA_SKILL_MODULE_OPTIONS,
  ALEXA_SKILL_OPTIONS_TYPE,
  AlexaSkillConfigurableModule,
} from './alexa-skill.module-definition';
import type { AlexaSkillModuleExtras, AlexaSkillModuleOptions } from './alexa-skill-options.interface';
import { BUILT_IN_HANDLERS } from './built-in/built-in.handlers';
import { BUILT_IN_TEXTS } from './built-in/built-in.texts';
import {
  SkillContributionModule,
  SkillContributions,
  type SkillContributionOptions,
} from './built-in/skill-contributions';
import { SkillHandlerRegistry } from './handlers/skill-handler.registry';
import { SkillRequestMetrics } from './metrics/skill-request.metrics';
import { AlexaSkillService } from './skill/alexa-skill.service';
import { createSkillEndpointController } from './skill-endpoint/skill-endpoint.controller';
import { SkillEndpointHooks } from './skill-endpoint/skill-endpoint.hooks';
import { SkillEventDedupe, StatePersistenceAdapter } from './state';

const services = [
  SkillHandlerRegistry,
  SkillRequestMetrics,
  AlexaSkillService,
  SkillEndpointHooks,
  SkillContributions,
];

/** Shared state: skill events handled once across pods, per-user persistent attributes. */
const state = [
  {
    provide: SkillEventDedupe,
    inject: [STATE_STORE, StateKeys, ALEXA_SKILL_MODULE_OPTIONS],
    useFactory: (store: StateStore, keys: StateKeys, options: AlexaSkillModuleOptions) =>
      new SkillEventDedupe(store, keys, options.deadlineMs ?? DEFAULT_DEADLINE_MS),
  },
  {
    provide: StatePersistenceAdapter,
    inject: [STATE_STORE, StateKeys, ALEXA_SKILL_MODULE_OPTIONS],
    useFactory: (store: StateStore, keys: StateKeys, options: AlexaSkillModuleOptions) =>
      new StatePersistenceAdapter(
        store,
        keys,
        (options.attributesTtlSeconds ?? DEFAULT_ATTRIBUTES_TTL_SECONDS) * 1000,
      ),
  },
];

/**
 * The skill endpoint (`POST ALEXA_ENDPOINT_PATH`) and the ask-sdk skill built from every handler class
 * that any module declares with `@RequestHandler`, `@IntentHandler`, `@SkillEventHandler`, ...
 * Needs the `@lib/metrics` registry and the `@lib/state-store` store.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    ...services,
    ...state,
    {
      provide: BUILT_IN_TEXTS_TOKEN,
      inject: [ALEXA_SKILL_MODULE_OPTIONS],
      useFactory: (options: AlexaSkillModuleOptions) => BUILT_IN_TEXTS.withOverrides(options.texts ?? {}),
    },
  ],
  exports: [AlexaSkillService, BUILT_IN_TEXTS_TOKEN],
})
export class AlexaSkillModule extends AlexaSkillConfigurableModule {
  static override forRoot(options: typeof ALEXA_SKILL_OPTIONS_TYPE): DynamicModule {
    return AlexaSkillModule.withEndpoint(super.forRoot(options), options);
  }

  /**
   * A module's lines for the built-in answers, found at start-up: import it in the module, e.g.
   * `AlexaSkillModule.forFeature({ help: { 'en-US': 'You can ask me to …', 'de-DE': '…' } })`. The built-in
   * Help says every module's help line for the request's locale, then its own sentence.
   */
  static forFeature(contribution: SkillContributionOptions): DynamicModule {
    return SkillContributionModule.register(contribution);
  }

  static override forRootAsync(options: typeof ALEXA_SKILL_ASYNC_OPTIONS_TYPE): DynamicModule {
    return AlexaSkillModule.withEndpoint(super.forRootAsync(options), options);
  }

  private static withEndpoint(
    definition: DynamicModule,
    extras: Partial<AlexaSkillModuleExtras>,
  ): DynamicModule {
    const endpointPath = extras.endpointPath ?? DEFAULT_ENDPOINT_PATH;
    const builtIns = extras.builtInHandlers === false ? [] : BUILT_IN_HANDLERS;
    return {
      ...definition,
      controllers: [...(definition.controllers ?? []), createSkillEndpointController(endpointPath)],
      providers: [
        ...(definition.providers ?? []),
        ...builtIns,
        { provide: ALEXA_SKILL_ENDPOINT_PATH, useValue: endpointPath },
      ],
    };
  }
}
