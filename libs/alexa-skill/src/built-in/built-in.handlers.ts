import { Inject, Logger } from '@nestjs/common';
import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { BUILT_IN_TEXTS_TOKEN } from '../alexa-skill.constants';
import { IntentHandler, RequestHandler } from '../handlers/skill-handler.decorators';
import type { SkillHandler } from '../handlers/skill-handler.interface';
import type { SkillRequestContext } from '../handlers/skill-request-context';
import type { SpeechTexts } from '../speech/speech-texts';
import type { BuiltInTextKey } from './built-in.texts';
import { SkillContributions } from './skill-contributions';

// Every built-in handler is a fallback: a domain module that registers the same request type or intent
// replaces it without any change here.

abstract class SpeakingHandler implements SkillHandler {
  constructor(@Inject(BUILT_IN_TEXTS_TOKEN) protected readonly texts: SpeechTexts<BuiltInTextKey>) {}
  abstract handle(input: HandlerInput, context: SkillRequestContext): Response;
}

/** A built-in answer that says the lines the modules contribute (`AlexaSkillModule.forFeature`). */
abstract class ContributedHandler extends SpeakingHandler {
  constructor(
    @Inject(BUILT_IN_TEXTS_TOKEN) texts: SpeechTexts<BuiltInTextKey>,
    protected readonly contributions: SkillContributions,
  ) {
    super(texts);
  }
}

/** The greeting, what the modules offer (their launch lines), and the question. */
@RequestHandler('LaunchRequest', { fallback: true })
export class LaunchRequestHandler extends ContributedHandler {
  handle(input: HandlerInput, context: SkillRequestContext): Response {
    const { locale } = context;
    const question = this.texts.get(locale, 'reprompt');
    const speech = [
      this.texts.get(locale, 'welcome'),
      ...this.contributions.lines('launch', locale),
      question,
    ];
    return input.responseBuilder.speak(speech.join(' ')).reprompt(question).getResponse();
  }
}

/** What each module lets the user do (their help lines), then the core's sentence. */
@IntentHandler('AMAZON.HelpIntent', { fallback: true })
export class HelpIntentHandler extends ContributedHandler {
  handle(input: HandlerInput, context: SkillRequestContext): Response {
    const { locale } = context;
    const speech = [...this.contributions.lines('help', locale), this.texts.get(locale, 'help')];
    return input.responseBuilder
      .speak(speech.join(' '))
      .reprompt(this.texts.get(locale, 'reprompt'))
      .getResponse();
  }
}

@IntentHandler(['AMAZON.StopIntent', 'AMAZON.CancelIntent', 'AMAZON.NavigateHomeIntent'], { fallback: true })
export class StopIntentHandler extends SpeakingHandler {
  handle(input: HandlerInput, context: SkillRequestContext): Response {
    return input.responseBuilder
      .speak(this.texts.get(context.locale, 'goodbye'))
      .withShouldEndSession(true)
      .getResponse();
  }
}

@IntentHandler('AMAZON.FallbackIntent', { fallback: true })
export class FallbackIntentHandler extends SpeakingHandler {
  handle(input: HandlerInput, context: SkillRequestContext): Response {
    return input.responseBuilder
      .speak(this.texts.get(context.locale, 'fallback'))
      .reprompt(this.texts.get(context.locale, 'reprompt'))
      .getResponse();
  }
}

/** Alexa forbids speech in the answer to SessionEndedRequest: an empty response. */
@RequestHandler('SessionEndedRequest', { fallback: true })
export class SessionEndedRequestHandler implements SkillHandler {
  private readonly logger = new Logger('AlexaSkill');

  handle(input: HandlerInput, context: SkillRequestContext): Response {
    const request = context.envelope.request;
    if (request.type === 'SessionEndedRequest' && request.reason === 'ERROR') {
      this.logger.warn(
        { requestId: context.requestId, errorType: request.error?.type },
        'session ended with an error',
      );
    }
    return input.responseBuilder.getResponse();
  }
}

/** Sent by Alexa when a previous response was invalid; it must be answered without speech. */
@RequestHandler('System.ExceptionEncountered', { fallback: true })
export class ExceptionEncounteredHandler implements SkillHandler {
  private readonly logger = new Logger('AlexaSkill');

  handle(input: HandlerInput, context: SkillRequestContext): Response {
    const request = context.envelope.request;
    if (request.type === 'System.ExceptionEncountered') {
      this.logger.error(
        { requestId: context.requestId, errorType: request.error?.type },
        'Alexa reported an invalid response',
      );
    }
    return input.responseBuilder.getResponse();
  }
}

export const BUILT_IN_HANDLERS = [
  LaunchRequestHandler,
  HelpIntentHandler,
  StopIntentHandler,
  FallbackIntentHandler,
  SessionEndedRequestHandler,
  ExceptionEncounteredHandler,
];
