export { ACCOUNT_LINKING_EVENTS } from './account-linking.events';
export type { AccountLinkingEvent, AccountLinkingEventName } from './account-linking.events';
export { AccountLinkingEventsHandler } from './account-linking-events.handler';
export { hashUserId } from './user-id-hash';
