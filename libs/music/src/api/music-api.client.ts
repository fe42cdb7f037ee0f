import { Injectable } from '@nestjs/common';
import { InjectResilientClient, ResilientHttpClient, UpstreamClientError } from '@lib/resilient-http';
import type { CallOptions } from '@lib/resilient-http';
import { MUSIC_PROVIDER } from './music-api.constants';
import { currentlyPlayingSchema, searchResultsSchema, userProfileSchema } from './music-api.schemas';
import type { MusicUser, NowPlaying, SearchResults } from './music-api.schemas';
import { NoActiveDeviceError } from './no-active-device.error';

/** What to start playing: tracks by URI, or a context (artist, album, playlist) by URI. */
export type PlayTarget = { uris: readonly string[] } | { contextUri: string };

export interface SearchOptions extends CallOptions {
  /** Results per type. @default 5 */
  limit?: number;
}

/**
 * The music API (Spotify Web API shape) on behalf of a linked user. Every call goes through the resilient
 * `music` client: bounded by its budget and the caller's deadline (pass the `SkillRequestContext`), with
 * typed errors (`AccessTokenRejectedError` -> link card, `UpstreamUnavailableError` -> "try again later").
 */
@Injectable()
export class MusicApiClient {
  constructor(@InjectResilientClient(MUSIC_PROVIDER) private readonly http: ResilientHttpClient) {}

  /** The user's profile (greeting by display name). */
  me(token: string, options: CallOptions = {}): Promise<MusicUser> {
    return this.http.getJson('me', '/v1/me', userProfileSchema, {
      ...callOptions(options),
      accessToken: token,
    });
  }

  /** What is playing now, or null when nothing is (204). */
  async currentlyPlaying(token: string, options: CallOptions = {}): Promise<NowPlaying | null> {
    const response = await this.http.request({
      ...callOptions(options),
      operation: 'currently_playing',
      url: '/v1/me/player/currently-playing',
      accessToken: token,
      schema: currentlyPlayingSchema,
    });
    return response.data ?? null;
  }

  /** Artists and tracks matching a spoken query. */
  search(token: string, query: string, options: SearchOptions = {}): Promise<SearchResults> {
    return this.http.getJson('search', '/v1/search', searchResultsSchema, {
      ...callOptions(options),
      accessToken: token,
      params: { q: query, type: 'artist,track', limit: options.limit ?? 5, market: 'from_token' },
    });
  }

  /** Starts playback on the user's active device; NoActiveDeviceError when there is none. */
  async play(token: string, target: PlayTarget, options: CallOptions = {}): Promise<void> {
    const data = 'uris' in target ? { uris: target.uris } : { context_uri: target.contextUri };
    await this.playerCommand('play', '/v1/me/player/play', token, options, data);
  }

  /** Pauses playback on the user's active device; NoActiveDeviceError when there is none. */
  async pause(token: string, options: CallOptions = {}): Promise<void> {
    await this.playerCommand('pause', '/v1/me/player/pause', token, options);
  }

  private async playerCommand(
    operation: string,
    url: string,
    token: string,
    options: CallOptions,
    data?: unknown,
  ): Promise<void> {
    try {
      await this.http.request({
        ...callOptions(options),
        operation,
        method: 'PUT',
        url,
        accessToken: token,
        data,
      });
    } catch (error) {
      // Spotify answers player commands with 404 (reason NO_ACTIVE_DEVICE) when no device can play.
      if (
        error instanceof UpstreamClientError &&
        error.status === 404 &&
        (error.upstreamReason === undefined || error.upstreamReason === 'NO_ACTIVE_DEVICE')
      ) {
        throw new NoActiveDeviceError(MUSIC_PROVIDER, operation);
      }
      throw error;
    }
  }
}

/** The call limits and the token-answer hook: a SkillRequestContext may be passed as the options. */
function callOptions(options: CallOptions): CallOptions {
  return { deadline: options.deadline, signal: options.signal, onTokenAnswer: options.onTokenAnswer };
}
