import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { Logger } from '@nestjs/common';
import {
  SkillErrorHandler,
  type SkillErrorHandlerInterface,
  type SkillRequestContext,
} from '@lib/alexa-skill';
import { UpstreamError, UpstreamRateLimitedError } from '@lib/resilient-http';
import { MUSIC_PROVIDER } from '../api';
import { MUSIC_TEXTS } from '../texts/music.texts';

/**
 * The music API being down, slow, rate-limited or answering nonsense becomes a spoken "try again later",
 * never silence or a stack. Token errors are not handled here: the account-linking error handler runs first
 * and answers a 401 with a link card, a 403 with its "not allowed" speech.
 */
@SkillErrorHandler()
export class MusicUpstreamErrorHandler implements SkillErrorHandlerInterface {
  private readonly logger = new Logger('Music');

  canHandle(_input: HandlerInput, error: Error): boolean {
    return error instanceof UpstreamError && error.provider === MUSIC_PROVIDER;
  }

  handle(input: HandlerInput, error: Error, context: SkillRequestContext): Response {
    const upstream = error as UpstreamError;
    this.logger.warn(
      {
        requestId: context.requestId,
        operation: upstream.operation,
        code: upstream.code,
        status: upstream.status,
      },
      'music API call failed',
    );
    const key = error instanceof UpstreamRateLimitedError ? 'rateLimited' : 'upstreamDown';
    return input.responseBuilder
      .speak(MUSIC_TEXTS.get(context.locale, key))
      .withShouldEndSession(true)
      .getResponse();
  }
}
