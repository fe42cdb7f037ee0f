import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AccountLinkingModuleOptions } from './account-linking-options.interface';

export const {
  ConfigurableModuleClass: AccountLinkingConfigurableModule,
  MODULE_OPTIONS_TOKEN: ACCOUNT_LINKING_MODULE_OPTIONS,
  OPTIONS_TYPE: ACCOUNT_LINKING_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ACCOUNT_LINKING_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AccountLinkingModuleOptions>().setClassMethodName('forRoot').build();
