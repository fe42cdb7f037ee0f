import type { SpeechTexts } from '@lib/alexa-skill';
import type { AccountLinkingTextKey } from './texts/account-linking.texts';

export interface AccountLinkingModuleOptions {
  /**
   * Overrides of the spoken texts, by locale, e.g. `{ 'de-DE': { linkAccount: '...' } }`. Texts are SSML
   * fragments: escape `&`, `<` and `>`. Locales not listed fall back by language, then to en-US.
   * @default {}
   */
  texts?: Readonly<Record<string, Partial<Record<AccountLinkingTextKey, string>>>>;
  /**
   * Check the token's shape before a handler sees it: 1 to `maxTokenLength` visible ASCII characters (no
   * whitespace or control characters, as an `Authorization` header value needs). A malformed token is treated
   * as missing and counted as `malformed`. When off, any non-empty string is accepted.
   * @default true
   */
  tokenShapeCheck?: boolean;
  /** Longest token the shape check accepts, in characters. @default 4096 */
  maxTokenLength?: number;
  /**
   * `provider` label of `alexa_token_failures_total` when no upstream error names the provider (missing or
   * malformed tokens on a handler whose `@RequiresLinkedAccount()` names none). Give it a code-given name.
   * @default 'default'
   */
  defaultProvider?: string;
  /**
   * Put the new access token into the `account-linking.linked` Nest event, for a team that must call its
   * API right after linking. Off by default: listeners then cannot leak the token by logging the payload.
   * @default false
   */
  includeTokenInLinkedEvent?: boolean;
}

/** The options with defaults applied and texts compiled, resolved once at start-up. */
export interface AccountLinkingSettings {
  readonly texts: SpeechTexts<AccountLinkingTextKey>;
  readonly tokenShapeCheck: boolean;
  readonly maxTokenLength: number;
  readonly defaultProvider: string;
  readonly includeTokenInLinkedEvent: boolean;
}
