import { type DynamicModule, Module } from '@nestjs/common';
import { ResilientHttpModule } from '@lib/resilient-http';
import type { ResilientClientOptions } from '@lib/resilient-http';
import { DEFAULT_MUSIC_API_BASE_URL, MUSIC_PROVIDER } from './music-api.constants';
import { MusicApiClient } from './music-api.client';
import { musicErrorReason } from './music-api.schemas';

/** The music client's settings: base URL and the resilient client's limits. */
export type MusicApiOptions = Omit<ResilientClientOptions, 'errorReason'>;

/** The music API client and its resilient `music` HTTP client. */
@Module({})
export class MusicApiModule {
  /** `baseURL` defaults to the Spotify Web API; unset limits keep the resilient client's defaults. */
  static forRoot(options: MusicApiOptions = {}): DynamicModule {
    const client = ResilientHttpModule.forFeature({
      ...options,
      name: MUSIC_PROVIDER,
      baseURL: options.baseURL ?? DEFAULT_MUSIC_API_BASE_URL,
      // Spotify's error format is this module's knowledge, not the HTTP client's.
      errorReason: musicErrorReason,
    });
    return {
      module: MusicApiModule,
      imports: [client],
      providers: [MusicApiClient],
      exports: [MusicApiClient],
    };
  }
}
