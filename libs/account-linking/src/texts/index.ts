export { ACCOUNT_LINKING_TEXTS } from './account-linking.texts';
export type { AccountLinkingTextKey } from './account-linking.texts';
