export { MusicApiModule } from './music-api.module';
export type { MusicApiOptions } from './music-api.module';
export { MusicApiClient } from './music-api.client';
export type { PlayTarget, SearchOptions } from './music-api.client';
export { NoActiveDeviceError } from './no-active-device.error';
export { DEFAULT_MUSIC_API_BASE_URL, MUSIC_PROVIDER } from './music-api.constants';
export { MUSIC_API_SETTINGS } from './music-api.settings';
export type { MusicArtist, MusicTrack, MusicUser, NowPlaying, SearchResults } from './music-api.schemas';
