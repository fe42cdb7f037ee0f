import { Inject, Injectable } from '@nestjs/common';
import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { ACCOUNT_LINKING_SETTINGS } from '../account-linking.constants';
import type { AccountLinkingSettings } from '../account-linking-options.interface';

/** The spoken answers of account linking, in the request's locale; every one ends the session. */
@Injectable()
export class LinkAccountAnswers {
  constructor(@Inject(ACCOUNT_LINKING_SETTINGS) private readonly settings: AccountLinkingSettings) {}

  /**
   * Asks the user to link the account, with a LinkAccount card in the Alexa app. The card carries no
   * title or content: Alexa renders its own with the skill's linking link.
   */
  linkAccount(input: HandlerInput, locale: string): Response {
    return input.responseBuilder
      .speak(this.settings.texts.get(locale, 'linkAccount'))
      .withLinkAccountCard()
      .withShouldEndSession(true)
      .getResponse();
  }

  /** Tells the user that the linked account may not do this (403), without a card. */
  accessForbidden(input: HandlerInput, locale: string): Response {
    return input.responseBuilder
      .speak(this.settings.texts.get(locale, 'accessForbidden'))
      .withShouldEndSession(true)
      .getResponse();
  }
}
