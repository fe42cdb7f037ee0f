export { AccountLinkingModule } from './account-linking.module';
export type { AccountLinkingModuleOptions } from './account-linking-options.interface';
export { RequiresLinkedAccount, LinkAccountAnswers } from './linking';
export type { RequiresLinkedAccountOptions } from './linking';
export { ACCOUNT_LINKING_EVENTS, hashUserId } from './events';
export type { AccountLinkingEvent, AccountLinkingEventName } from './events';
export { AccountLinkingMetrics, ACCOUNT_LINKING_METRIC_NAMES } from './metrics';
export type {
  AccountLinkEventLabel,
  LinkCardReason,
  LinkCheckResult,
  TokenFailureReason,
  TokenVerdict,
} from './metrics';
export type { AccountLinkingTextKey } from './texts';
export { upstreamErrorSpeech } from './errors';
export type { UpstreamErrorSpeechDeclaration } from './errors';
