import { Logger } from '@nestjs/common';
import {
  SkillErrorHandler,
  type SkillErrorHandlerInterface,
  type SkillRequestContext,
} from '@lib/alexa-skill';
import { AccessForbiddenError, AccessTokenRejectedError } from '@lib/resilient-http';
import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { LinkAccountAnswers } from '../linking/link-account.answers';
import { allowsSpeech } from '../linking/speechless-requests';
import { AccountLinkingMetrics } from '../metrics/account-linking.metrics';

/** How deep `error.cause` is followed: a domain service may wrap the client's error once or twice. */
const MAX_CAUSE_DEPTH = 4;

/** The upstream's 401 or 403 error, thrown directly or as the `cause` of a wrapping error. */
export function upstreamAccessError(
  error: unknown,
): AccessTokenRejectedError | AccessForbiddenError | undefined {
  let current = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current instanceof Error; depth++) {
    if (current instanceof AccessTokenRejectedError || current instanceof AccessForbiddenError)
      return current;
    current = current.cause;
  }
  return undefined;
}

/**
 * Turns an upstream's verdict on the user's token into an answer instead of an apology.
 * - 401 (`AccessTokenRejectedError`: expired or revoked): the link-card answer, so the user re-links.
 * - 403 (`AccessForbiddenError`: a valid token without the right, e.g. a missing scope or plan): spoken,
 *   no card, because re-linking rarely helps. A team for whom re-linking is the fix throws
 *   `AccessTokenRejectedError` instead, or declares its own error handler with a lower `order`.
 * Asked before other error handlers (order -100), so a broad `UpstreamError` handler cannot swallow them.
 */
@SkillErrorHandler({ order: -100 })
export class AccountLinkingErrorHandler implements SkillErrorHandlerInterface {
  private readonly logger = new Logger('AccountLinking');

  constructor(
    private readonly metrics: AccountLinkingMetrics,
    private readonly answers: LinkAccountAnswers,
  ) {}

  canHandle(_input: HandlerInput, error: Error): boolean {
    return upstreamAccessError(error) !== undefined;
  }

  handle(input: HandlerInput, error: Error, context: SkillRequestContext): Response {
    const cause = upstreamAccessError(error)!;
    const provider = cause.provider || undefined;
    const facts = {
      requestId: context.requestId,
      handler: context.handlerName,
      provider: cause.provider,
      operation: cause.operation,
    };
    // Said again for errors a handler threw itself (no resilient client saw the answer); counted once anyway.
    context.onTokenAnswer?.(cause instanceof AccessTokenRejectedError ? 401 : 403);
    if (cause instanceof AccessTokenRejectedError) {
      this.metrics.tokenFailure('rejected', provider);
      this.logger.log(facts, 'access token rejected upstream (401)');
      if (!allowsSpeech(context.requestType)) return input.responseBuilder.getResponse();
      this.metrics.card(context.handlerName, 'token_rejected');
      return this.answers.linkAccount(input, context.locale);
    }
    this.metrics.tokenFailure('forbidden', provider);
    this.logger.warn(facts, 'linked account refused upstream (403)');
    if (!allowsSpeech(context.requestType)) return input.responseBuilder.getResponse();
    return this.answers.accessForbidden(input, context.locale);
  }
}
