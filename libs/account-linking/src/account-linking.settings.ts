import type {
  AccountLinkingModuleOptions,
  AccountLinkingSettings,
} from './account-linking-options.interface';
import { ACCOUNT_LINKING_TEXTS } from './texts/account-linking.texts';

// Prometheus label values are free text, but a provider name is code-given: keep it a plain identifier.
const PROVIDER_NAME = /^[A-Za-z][\w.-]{0,63}$/;

/** Applies the defaults and checks the options once, at start-up; a bad value stops the app with its name. */
export function resolveAccountLinkingSettings(options: AccountLinkingModuleOptions): AccountLinkingSettings {
  const maxTokenLength = options.maxTokenLength ?? 4096;
  if (!Number.isInteger(maxTokenLength) || maxTokenLength < 1) {
    throw new Error(`AccountLinkingModule: maxTokenLength must be a positive integer, got ${maxTokenLength}`);
  }
  const defaultProvider = options.defaultProvider ?? 'default';
  if (!PROVIDER_NAME.test(defaultProvider)) {
    throw new Error(
      `AccountLinkingModule: defaultProvider must be an identifier (letters, digits, _ . -), got "${defaultProvider}"`,
    );
  }
  return Object.freeze({
    texts: ACCOUNT_LINKING_TEXTS.withOverrides(options.texts ?? {}),
    tokenShapeCheck: options.tokenShapeCheck ?? true,
    maxTokenLength,
    defaultProvider,
    includeTokenInLinkedEvent: options.includeTokenInLinkedEvent ?? false,
  });
}
