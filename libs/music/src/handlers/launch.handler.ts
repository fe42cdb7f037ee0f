import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { RequestHandler, type SkillHandler, type SkillRequestContext } from '@lib/alexa-skill';
import { RequiresLinkedAccount } from '@lib/account-linking';
import { MusicApiClient } from '../api';
import { MUSIC_TEXTS } from '../texts/music.texts';

/** Greets a linked user by display name; an unlinked user gets the link card (the funnel's entry). */
@RequestHandler('LaunchRequest')
@RequiresLinkedAccount()
export class MusicLaunchHandler implements SkillHandler {
  constructor(private readonly music: MusicApiClient) {}

  async handle(input: HandlerInput, context: SkillRequestContext): Promise<Response> {
    const user = await this.music.me(context.requireAccessToken(), context);
    const greeting = user.displayName
      ? MUSIC_TEXTS.get(context.locale, 'greeting', { name: user.displayName })
      : MUSIC_TEXTS.get(context.locale, 'greetingNoName');
    return input.responseBuilder
      .speak(greeting)
      .reprompt(MUSIC_TEXTS.get(context.locale, 'reprompt'))
      .getResponse();
  }
}
