import { Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import {
  SkillHandlerGuard,
  type SkillHandlerGuardInterface,
  type SkillHandlerTarget,
  type SkillRequestContext,
} from '@lib/alexa-skill';
import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { ACCOUNT_LINKING_SETTINGS } from '../account-linking.constants';
import type { AccountLinkingSettings } from '../account-linking-options.interface';
import { AccountLinkingMetrics, type TokenVerdict } from '../metrics/account-linking.metrics';
import { readAccessToken, type TokenShapePolicy } from '../token/access-token';
import { LinkAccountAnswers } from './link-account.answers';
import { linkRequirementOf, type LinkRequirement } from './requires-linked-account.decorator';
import { allowsSpeech } from './speechless-requests';

type HandlerClass = SkillHandlerTarget['handlerClass'];

/**
 * Stands before every skill handler. Checks the access token the envelope carries (`facts.accessToken`) and
 * hands a usable one to every handler with `context.acceptAccessToken` (personalisation; a
 * `@RequiresLinkedAccount()` handler reads it with `context.requireAccessToken()`), and answers for a protected
 * handler that has no usable token: LinkAccount card, spoken hint in the request's locale, session ended, HTTP
 * 200 as Alexa expects (an empty answer where Alexa allows no speech, e.g. AudioPlayer requests).
 * Only protected handlers are counted in the funnel metrics: the link rate is about them.
 * Ordered early so that later guards already see the token.
 */
@SkillHandlerGuard({ order: -100 })
export class AccountLinkingGuard implements SkillHandlerGuardInterface, OnApplicationBootstrap {
  private readonly logger = new Logger('AccountLinking');
  private readonly policy: TokenShapePolicy;
  /** Handler class -> its requirement; bounded by the number of handler classes. */
  private readonly requirements = new Map<HandlerClass, LinkRequirement | null>();

  constructor(
    @Inject(ACCOUNT_LINKING_SETTINGS) settings: AccountLinkingSettings,
    private readonly metrics: AccountLinkingMetrics,
    private readonly answers: LinkAccountAnswers,
    private readonly discovery: DiscoveryService,
  ) {
    this.policy = { check: settings.tokenShapeCheck, maxLength: settings.maxTokenLength };
  }

  /** Every protected handler's funnel series exist from start-up, at 0. */
  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const handlerClass = wrapper.metatype as HandlerClass | null;
      if (typeof handlerClass !== 'function' || !wrapper.isDependencyTreeStatic()) continue;
      const requirement = linkRequirementOf(handlerClass);
      if (requirement) this.metrics.registerProtectedHandler(handlerClass.name, requirement.provider);
    }
  }

  check(input: HandlerInput, context: SkillRequestContext, target: SkillHandlerTarget): Response | undefined {
    const reading = readAccessToken(context.facts.accessToken, this.policy);
    const requirement = this.requirementOf(target.handlerClass);
    if (!requirement) {
      if (reading.status === 'linked') context.acceptAccessToken(reading.token);
      else if (reading.status === 'malformed') {
        this.logger.warn(
          { requestId: context.requestId, handler: target.handlerName },
          'malformed access token ignored',
        );
      }
      return undefined;
    }

    this.metrics.check(target.handlerName, reading.status);
    if (reading.status === 'linked') {
      context.acceptAccessToken(reading.token, {
        onTokenAnswer: this.verdictCounter(target.handlerName),
        required: true,
      });
      return undefined;
    }

    const malformed = reading.status === 'malformed';
    this.metrics.tokenFailure(malformed ? 'malformed' : 'missing', requirement.provider);
    const logFields = { requestId: context.requestId, handler: target.handlerName };
    if (malformed) this.logger.warn(logFields, 'malformed access token: treated as missing');
    else this.logger.debug(logFields, 'no access token');
    // Speech and cards are not allowed here (e.g. AudioPlayer requests): answer, but say nothing.
    if (!allowsSpeech(context.requestType)) return input.responseBuilder.getResponse();
    this.metrics.card(target.handlerName, malformed ? 'malformed_token' : 'missing_token');
    return this.answers.linkAccount(input, context.locale);
  }

  /**
   * Counts, once per request, what the first upstream answer that says anything about the token said: a token
   * being present (the check) is not the same as a token that works.
   */
  private verdictCounter(handler: string): (status: number) => void {
    let counted = false;
    return (status) => {
      const verdict = tokenVerdictOf(status);
      if (counted || verdict === undefined) return;
      counted = true;
      this.metrics.tokenVerdict(handler, verdict);
    };
  }

  private requirementOf(handlerClass: HandlerClass): LinkRequirement | undefined {
    let requirement = this.requirements.get(handlerClass);
    if (requirement === undefined) {
      requirement = linkRequirementOf(handlerClass) ?? null;
      this.requirements.set(handlerClass, requirement);
    }
    return requirement ?? undefined;
  }
}

/**
 * 401 and 403 speak about the token; any other answer the upstream gave to a call with it (2xx, or a 4xx such as
 * Spotify's 404 "no active device") means it accepted the token. 429 and 5xx never reach here (no verdict).
 */
export function tokenVerdictOf(status: number): TokenVerdict | undefined {
  if (status === 401) return 'rejected';
  if (status === 403) return 'forbidden';
  if ((status >= 200 && status < 300) || (status >= 400 && status < 500 && status !== 429)) return 'accepted';
  return undefined;
}
