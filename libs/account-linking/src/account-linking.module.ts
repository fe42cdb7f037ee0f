import { DiscoveryModule } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ACCOUNT_LINKING_SETTINGS } from './account-linking.constants';
import {
  ACCOUNT_LINKING_MODULE_OPTIONS,
  AccountLinkingConfigurableModule,
} from './account-linking.module-definition';
import type { AccountLinkingModuleOptions } from './account-linking-options.interface';
import { resolveAccountLinkingSettings } from './account-linking.settings';
import { AccountLinkingErrorHandler } from './errors/account-linking-error.handler';
import { AccountLinkingEventsHandler } from './events/account-linking-events.handler';
import { AccountLinkingGuard } from './linking/account-linking.guard';
import { LinkAccountAnswers } from './linking/link-account.answers';
import { AccountLinkingMetrics } from './metrics/account-linking.metrics';

const handlerGuards = [AccountLinkingGuard];
const errorHandlers = [AccountLinkingErrorHandler];
const eventHandlers = [AccountLinkingEventsHandler];
const services = [AccountLinkingMetrics, LinkAccountAnswers];

/**
 * Account linking for every skill handler, found by the skill core at start-up: the token guard in front of
 * `@RequiresLinkedAccount()` handlers, the 401/403 error handler, the account-linking skill events (also
 * emitted as Nest events) and the linking-funnel metrics. Needs `MetricsModule` (global) and `AlexaSkillModule`.
 * Imports `EventEmitterModule.forRoot()` (global; an identical import elsewhere is the same module).
 */
@Module({
  imports: [EventEmitterModule.forRoot(), DiscoveryModule],
  providers: [
    {
      provide: ACCOUNT_LINKING_SETTINGS,
      inject: [ACCOUNT_LINKING_MODULE_OPTIONS],
      useFactory: (options: AccountLinkingModuleOptions) => resolveAccountLinkingSettings(options),
    },
    ...services,
    ...handlerGuards,
    ...errorHandlers,
    ...eventHandlers,
  ],
  exports: [AccountLinkingMetrics, LinkAccountAnswers],
})
export class AccountLinkingModule extends AccountLinkingConfigurableModule {}
