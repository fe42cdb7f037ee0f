import { resilientClientSettings } from '@lib/resilient-http';
import { DEFAULT_MUSIC_API_BASE_URL } from './music-api.constants';

/** `MUSIC_API_*`: the music client's base URL and limits, validated with the app's configuration. */
export const MUSIC_API_SETTINGS = resilientClientSettings({
  envPrefix: 'MUSIC_API',
  upstream: 'the music API',
  defaultBaseUrl: DEFAULT_MUSIC_API_BASE_URL,
});
