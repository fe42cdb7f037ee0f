import {
  currentlyPlayingSchema,
  musicErrorReason,
  searchResultsSchema,
  userProfileSchema,
} from './music-api.schemas';

describe('music API schemas', () => {
  const track = {
    id: 't1',
    name: 'One More Time',
    uri: 'spotify:track:t1',
    duration_ms: 320357,
    artists: [{ id: 'a1', name: 'Daft Punk', uri: 'spotify:artist:a1' }],
    album: { id: 'al1', name: 'Discovery' },
    popularity: 80,
  };

  it('maps a profile, tolerating a missing display name', () => {
    expect(userProfileSchema.parse({ id: 'u1', display_name: 'Ada', country: 'DE' })).toEqual({
      id: 'u1',
      displayName: 'Ada',
    });
    expect(userProfileSchema.parse({ id: 'u1', display_name: null })).toEqual({
      id: 'u1',
      displayName: undefined,
    });
  });

  it('maps what is playing, and a null item (episode, ad, private session) to no track', () => {
    expect(currentlyPlayingSchema.parse({ is_playing: true, progress_ms: 1000, item: track })).toEqual({
      isPlaying: true,
      progressMs: 1000,
      track: {
        id: 't1',
        name: 'One More Time',
        uri: 'spotify:track:t1',
        artists: ['Daft Punk'],
        album: 'Discovery',
        durationMs: 320357,
      },
    });
    expect(currentlyPlayingSchema.parse({ is_playing: true, progress_ms: null, item: null })).toEqual({
      isPlaying: true,
      progressMs: undefined,
      track: undefined,
    });
  });

  it('rejects a track without a name', () => {
    expect(
      currentlyPlayingSchema.safeParse({ is_playing: true, item: { ...track, name: undefined } }).success,
    ).toBe(false);
  });

  it('maps search results, with an absent section as empty', () => {
    const results = searchResultsSchema.parse({
      artists: { items: [{ id: 'a1', name: 'Daft Punk', uri: 'spotify:artist:a1', genres: [] }], total: 1 },
    });
    expect(results).toEqual({
      artists: [{ id: 'a1', name: 'Daft Punk', uri: 'spotify:artist:a1' }],
      tracks: [],
    });
  });
});

describe('musicErrorReason', () => {
  it("reads the reason of Spotify's error object", () => {
    expect(
      musicErrorReason({ error: { status: 404, message: 'No active device', reason: 'NO_ACTIVE_DEVICE' } }),
    ).toBe('NO_ACTIVE_DEVICE');
  });

  it('finds none in an error without a reason, or in another shape', () => {
    expect(musicErrorReason({ error: { status: 401, message: 'The access token expired' } })).toBeUndefined();
    expect(musicErrorReason({ error: 'invalid_token', error_description: 'x' })).toBeUndefined();
    expect(musicErrorReason(null)).toBeUndefined();
  });
});
