import { type DynamicModule, Logger, Module } from '@nestjs/common';
import {
  SkillErrorHandler,
  type SkillErrorHandlerInterface,
  type SkillRequestContext,
  type SpeechTexts,
} from '@lib/alexa-skill';
import { UpstreamError, UpstreamRateLimitedError } from '@lib/resilient-http';
import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';

/** How a module's client failures are spoken: keys of the module's own texts, nothing else. */
export interface UpstreamErrorSpeechDeclaration<K extends string> {
  /** The resilient client's provider name (`ResilientHttpModule.forFeature({ name })`), e.g. `bank`. */
  client: string;
  /** The module's texts; the answers are spoken in the request's locale. */
  texts: SpeechTexts<K>;
  /**
   * Said when the upstream cannot answer: breaker open, timeouts, budget spent, 5xx, network, bulkhead full,
   * an unusable body or an unexpected 4xx.
   */
  unavailable: K;
  /** Said when the upstream rate-limits beyond the budget (429). @default the `unavailable` text */
  rateLimited?: K;
}

/** The module `upstreamErrorSpeech` returns: it holds only the generated error handler. */
@Module({})
export class UpstreamErrorSpeechModule {}

/**
 * A module's answer to its client's failures, declared instead of written: import the returned module, e.g.
 * `upstreamErrorSpeech({ client: 'bank', texts: BANK_TEXTS, unavailable: 'apology' })`. Every `UpstreamError` of
 * that client ends the session with the module's text. A rejected token (401) is not handled here: the
 * account-linking error handler runs first and answers it with the link card (403: its "not allowed" speech).
 * Errors a module handles itself (e.g. music's no-active-device) are caught in its handlers before they get here.
 */
export function upstreamErrorSpeech<K extends string>(
  declaration: UpstreamErrorSpeechDeclaration<K>,
): DynamicModule {
  const { client, texts, unavailable, rateLimited = unavailable } = declaration;
  for (const key of [unavailable, rateLimited]) {
    // Fails the start, not the first outage, when the default locale lacks the text.
    if (typeof texts.get(undefined, key) !== 'string') {
      throw new Error(`upstreamErrorSpeech(${client}): the texts have no "${key}" in their default locale`);
    }
  }

  @SkillErrorHandler()
  class UpstreamErrorSpeechHandler implements SkillErrorHandlerInterface {
    private readonly logger = new Logger('UpstreamErrorSpeech');

    canHandle(_input: HandlerInput, error: Error): boolean {
      return error instanceof UpstreamError && error.provider === client;
    }

    handle(input: HandlerInput, error: Error, context: SkillRequestContext): Response {
      const upstream = error as UpstreamError;
      // The error's fields are safe to log (no token, URL or body); the request ID ties the line to the answer.
      this.logger.warn(
        {
          requestId: context.requestId,
          provider: client,
          operation: upstream.operation,
          code: upstream.code,
          status: upstream.status,
        },
        `${client} API call failed`,
      );
      const key = error instanceof UpstreamRateLimitedError ? rateLimited : unavailable;
      return input.responseBuilder
        .speak(texts.get(context.locale, key))
        .withShouldEndSession(true)
        .getResponse();
    }
  }
  // The handler's name in logs and the skill's handler list says whose errors it speaks.
  Object.defineProperty(UpstreamErrorSpeechHandler, 'name', { value: `UpstreamErrorSpeech(${client})` });
  return { module: UpstreamErrorSpeechModule, providers: [UpstreamErrorSpeechHandler] };
}
