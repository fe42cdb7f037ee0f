import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AlexaSkillModuleExtras, AlexaSkillModuleOptions } from './alexa-skill-options.interface';
import { DEFAULT_ENDPOINT_PATH } from './alexa-skill.constants';

export const {
  ConfigurableModuleClass: AlexaSkillConfigurableModule,
  MODULE_OPTIONS_TOKEN: ALEXA_SKILL_MODULE_OPTIONS,
  OPTIONS_TYPE: ALEXA_SKILL_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ALEXA_SKILL_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AlexaSkillModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras<AlexaSkillModuleExtras>(
    { endpointPath: DEFAULT_ENDPOINT_PATH, builtInHandlers: true },
    (definition) => definition,
  )
  .build();
