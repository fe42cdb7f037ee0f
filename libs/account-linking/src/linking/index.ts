export { AccountLinkingGuard } from './account-linking.guard';
export { LinkAccountAnswers } from './link-account.answers';
export { linkRequirementOf, RequiresLinkedAccount } from './requires-linked-account.decorator';
export type { LinkRequirement, RequiresLinkedAccountOptions } from './requires-linked-account.decorator';
