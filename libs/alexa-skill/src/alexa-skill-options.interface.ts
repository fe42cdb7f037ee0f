import type { AlexaApiEndpointOptions } from './alexa-api/alexa-api-endpoint';
import type { BuiltInTextKey } from './built-in/built-in.texts';

/** The HTTP client of ask-sdk's `serviceClientFactory` (the Alexa service APIs). */
export interface AlexaApiOptions extends AlexaApiEndpointOptions {
  /** Longest one service-client call may take, in milliseconds. @default 2000 */
  timeoutMs?: number;
}

export interface AlexaSkillModuleOptions {
  /**
   * Milliseconds from arrival by which a handler should have answered; handlers and upstream clients read
   * it from `SkillRequestContext.deadline`. Alexa gives up after 8 s, so keep a margin for the network.
   * @default 7000
   */
  deadlineMs?: number;
  /** Longest output speech (SSML or text) allowed, per Amazon's response reference. @default 8000 */
  maxSpeechChars?: number;
  /** Largest serialized response envelope allowed, in bytes (Amazon: 120 KB). @default 122880 */
  maxResponseBytes?: number;
  /** Overrides of the built-in texts, by locale. @default {} */
  texts?: Readonly<Record<string, Partial<Record<BuiltInTextKey, string>>>>;
  /**
   * How long a user's persistent attributes live after their last save, in seconds
   * (`STATE_ATTRIBUTES_TTL_SECONDS`). @default 2592000 (30 days)
   */
  attributesTtlSeconds?: number;
  /**
   * Where `handlerInput.serviceClientFactory` calls may go (the request's `apiEndpoint`: Amazon's API hosts
   * only, unless `allowAnyEndpoint` outside production) and how long they may take.
   * @default { allowAnyEndpoint: false, environment: 'production', timeoutMs: 2000 }
   */
  alexaApi?: AlexaApiOptions;
}

/**
 * What shapes the module itself (its routes and providers), so it is given to `forRoot` and `forRootAsync`
 * alike, never computed by an async factory.
 */
export interface AlexaSkillModuleExtras {
  /** Route of the skill endpoint (`ALEXA_ENDPOINT_PATH`). @default '/alexa' */
  endpointPath: string;
  /** Register the built-in Launch/Help/Stop/Cancel/Fallback/SessionEnded handlers. @default true */
  builtInHandlers: boolean;
}
