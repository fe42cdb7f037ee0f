import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { readResilientClientConfig, ResilientHttpModule } from '@lib/resilient-http';
import { DEFAULT_MUSIC_API_BASE_URL, MUSIC_API_CONFIG_PREFIX, MUSIC_PROVIDER } from './music-api.constants';
import { MusicApiClient } from './music-api.client';
import { musicErrorReason } from './music-api.schemas';

/** Reads `MUSIC_API_*` from ConfigService when the app has one, else from the environment. */
function musicClientOptions(config?: ConfigService) {
  const read = (key: string): unknown => (config ? config.get<unknown>(key) : process.env[key]);
  const options = readResilientClientConfig(MUSIC_API_CONFIG_PREFIX, read, {
    baseURL: DEFAULT_MUSIC_API_BASE_URL,
  });
  return { ...options, errorReason: musicErrorReason };
}

const clients = [
  ResilientHttpModule.forFeatureAsync({
    name: MUSIC_PROVIDER,
    inject: [{ token: ConfigService, optional: true }],
    useFactory: musicClientOptions,
  }),
];

/** The music API client and its resilient `music` HTTP client, configured from `MUSIC_API_*`. */
@Module({
  imports: [...clients],
  providers: [MusicApiClient],
  exports: [MusicApiClient],
})
export class MusicApiModule {}
