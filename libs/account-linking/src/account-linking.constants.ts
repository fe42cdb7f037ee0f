/** DI token of the resolved settings (options with their defaults applied, texts compiled once). */
export const ACCOUNT_LINKING_SETTINGS = Symbol('ACCOUNT_LINKING_SETTINGS');

/** Reflect-metadata key of `@RequiresLinkedAccount()` (on a handler class or its `handle` method). */
export const REQUIRES_LINKED_ACCOUNT = Symbol('REQUIRES_LINKED_ACCOUNT');
