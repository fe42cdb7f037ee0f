/** Provider name of the music API client: the `provider` label of its upstream metrics. */
export const MUSIC_PROVIDER = 'music';

/** The Spotify Web API; `MUSIC_API_BASE_URL` points the client elsewhere (the fake API in tests and demos). */
export const DEFAULT_MUSIC_API_BASE_URL = 'https://api.spotify.com';
