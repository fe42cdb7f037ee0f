import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { StateStoreModuleOptions } from './state-store-options.interface';

export const {
  ConfigurableModuleClass: StateStoreConfigurableModule,
  MODULE_OPTIONS_TOKEN: STATE_STORE_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<Omit<StateStoreModuleOptions, 'isGlobal'>>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
