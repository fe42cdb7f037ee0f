import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ProgressiveResponseOptions } from './progressive-response-options.interface';

export const {
  ConfigurableModuleClass: ProgressiveResponseConfigurableModule,
  MODULE_OPTIONS_TOKEN: PROGRESSIVE_RESPONSE_OPTIONS,
  OPTIONS_TYPE: PROGRESSIVE_RESPONSE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: PROGRESSIVE_RESPONSE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ProgressiveResponseOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
