import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { IntentHandler, type SkillHandler, type SkillRequestContext } from '@lib/alexa-skill';
import { RequiresLinkedAccount } from '@lib/account-linking';
import { MusicApiClient, NoActiveDeviceError } from '../api';
import { MUSIC_TEXTS } from '../texts/music.texts';

/** "Pause": pauses the user's active device; without one, tells the user to open a player. */
@IntentHandler('AMAZON.PauseIntent')
@RequiresLinkedAccount()
export class PauseHandler implements SkillHandler {
  constructor(private readonly music: MusicApiClient) {}

  async handle(input: HandlerInput, context: SkillRequestContext): Promise<Response> {
    try {
      await this.music.pause(context.requireAccessToken(), context);
      return input.responseBuilder
        .speak(MUSIC_TEXTS.get(context.locale, 'paused'))
        .withShouldEndSession(true)
        .getResponse();
    } catch (error) {
      if (!(error instanceof NoActiveDeviceError)) throw error;
      return input.responseBuilder
        .speak(MUSIC_TEXTS.get(context.locale, 'noActiveDevice'))
        .withShouldEndSession(true)
        .getResponse();
    }
  }
}
