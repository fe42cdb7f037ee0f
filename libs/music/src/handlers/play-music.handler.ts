import type { HandlerInput } from 'ask-sdk-core';
import { getSlotValue } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import {
  IntentHandler,
  ProgressiveResponseClient,
  progressiveTargetFrom,
  type SkillHandler,
  type SkillRequestContext,
} from '@lib/alexa-skill';
import { RequiresLinkedAccount } from '@lib/account-linking';
import { MusicApiClient, NoActiveDeviceError } from '../api';
import { MusicHistory } from '../history/music-history';
import { MUSIC_TEXTS } from '../texts/music.texts';

/** Longest spoken query sent upstream: Alexa's search slots are short; anything longer is noise or abuse. */
const MAX_QUERY_LENGTH = 200;

/**
 * "Play Queen": search artists and tracks, start the best match, and remember the query in the user's
 * persistent attributes; "play music" (no query) plays the last query again, on whichever pod answers. Two
 * upstream calls, so the user hears "One moment..." if they take longer than the progressive-response delay.
 */
@IntentHandler('PlayMusicIntent')
@RequiresLinkedAccount()
export class PlayMusicHandler implements SkillHandler {
  constructor(
    private readonly music: MusicApiClient,
    private readonly progressive: ProgressiveResponseClient,
  ) {}

  async handle(input: HandlerInput, context: SkillRequestContext): Promise<Response> {
    const history = new MusicHistory(input.attributesManager);
    const spoken = getSlotValue(context.envelope, 'query')?.trim().slice(0, MAX_QUERY_LENGTH);
    const query = spoken || (await history.lastQuery());
    if (!query) {
      const ask = MUSIC_TEXTS.get(context.locale, 'askQuery');
      return input.responseBuilder.speak(ask).reprompt(ask).getResponse();
    }
    const target = progressiveTargetFrom(context.facts, context.deadline);
    const { speech, started } = await this.progressive.during(
      target,
      MUSIC_TEXTS.get(context.locale, 'oneMoment'),
      () => this.play(context, query),
    );
    if (started && spoken) await history.remember(spoken);
    return input.responseBuilder.speak(speech).withShouldEndSession(true).getResponse();
  }

  private async play(
    context: SkillRequestContext,
    query: string,
  ): Promise<{ speech: string; started: boolean }> {
    const token = context.requireAccessToken();
    const results = await this.music.search(token, query, context);
    const artist = results.artists.at(0);
    const track = results.tracks.at(0);
    const say = (speech: string, started = false) => ({ speech, started });
    try {
      // An artist that matches the query by name wins; otherwise the best track.
      if (artist && (!track || artist.name.toLowerCase() === query.toLowerCase())) {
        await this.music.play(token, { contextUri: artist.uri }, context);
        return say(MUSIC_TEXTS.get(context.locale, 'startedPlaying', { name: artist.name }), true);
      }
      if (!track) return say(MUSIC_TEXTS.get(context.locale, 'noResults', { query }));
      await this.music.play(token, { uris: [track.uri] }, context);
      return say(MUSIC_TEXTS.get(context.locale, 'startedPlaying', { name: track.name }), true);
    } catch (error) {
      if (error instanceof NoActiveDeviceError) return say(MUSIC_TEXTS.get(context.locale, 'noActiveDevice'));
      throw error;
    }
  }
}
