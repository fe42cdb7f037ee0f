import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AlexaVerificationModuleOptions } from './alexa-verification-options.interface';

export const {
  ConfigurableModuleClass: AlexaVerificationConfigurableModule,
  MODULE_OPTIONS_TOKEN: ALEXA_VERIFICATION_MODULE_OPTIONS,
  OPTIONS_TYPE: ALEXA_VERIFICATION_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ALEXA_VERIFICATION_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AlexaVerificationModuleOptions>().setClassMethodName('forRoot').build();
