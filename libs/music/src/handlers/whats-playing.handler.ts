import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { IntentHandler, type SkillHandler, type SkillRequestContext } from '@lib/alexa-skill';
import { RequiresLinkedAccount } from '@lib/account-linking';
import { MusicApiClient } from '../api';
import { MUSIC_TEXTS } from '../texts/music.texts';

/** "What's playing?": the track and its artist, whether it plays or is paused; 204 means nothing is. */
@IntentHandler('WhatsPlayingIntent')
@RequiresLinkedAccount()
export class WhatsPlayingHandler implements SkillHandler {
  constructor(private readonly music: MusicApiClient) {}

  async handle(input: HandlerInput, context: SkillRequestContext): Promise<Response> {
    const playing = await this.music.currentlyPlaying(context.requireAccessToken(), context);
    const track = playing?.track;
    const speech = track
      ? MUSIC_TEXTS.get(context.locale, playing?.isPlaying ? 'nowPlaying' : 'nowPaused', {
          track: track.name,
          artist: track.artists.join(', '),
        })
      : MUSIC_TEXTS.get(context.locale, 'nothingPlaying');
    return input.responseBuilder.speak(speech).withShouldEndSession(true).getResponse();
  }
}
