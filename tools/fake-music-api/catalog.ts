// A small, fixed catalogue in the shape of the Spotify Web API objects the skill reads
// (https://developer.spotify.com/documentation/web-api/reference). Enough for search, play and
// currently-playing to answer something sensible in tests and in the local demo.

export interface FakeArtist {
  id: string;
  name: string;
  genres: string[];
}

export interface FakeTrack {
  id: string;
  name: string;
  artistId: string;
  album: string;
  durationMs: number;
}

export const artists: readonly FakeArtist[] = [
  { id: '4tZwfgrHOc3mvqYlEYSvVi', name: 'Daft Punk', genres: ['french house', 'electronic'] },
  { id: '0k17h0D3J5VfsdmQ1iZtE9', name: 'Pink Floyd', genres: ['progressive rock'] },
  { id: '7dGJo4pcD2V6oG8kP0tJRR', name: 'Eminem', genres: ['hip hop'] },
  { id: '2ye2Wgw4gimLv2eAKyk1NB', name: 'Metallica', genres: ['metal'] },
  { id: '3WrFJ7ztbogyGnTHbHJFl2', name: 'The Beatles', genres: ['rock', 'british invasion'] },
  { id: '6olE6TJLqED3rqDCT0FyPh', name: 'Nirvana', genres: ['grunge'] },
  { id: '1vCWHaC5f2uS3yhpwWbIA6', name: 'Kraftwerk', genres: ['electronic', 'krautrock'] },
  { id: '1dfeR4HaWDbWqFHLkxsg1d', name: 'Queen', genres: ['classic rock', 'glam rock'] },
];

export const tracks: readonly FakeTrack[] = [
  {
    id: '0DiWol3AO6WpXZgp0goxAV',
    name: 'One More Time',
    artistId: '4tZwfgrHOc3mvqYlEYSvVi',
    album: 'Discovery',
    durationMs: 320357,
  },
  {
    id: '2KH16WveTQWT6KOG9Rg6e2',
    name: 'Around the World',
    artistId: '4tZwfgrHOc3mvqYlEYSvVi',
    album: 'Homework',
    durationMs: 429533,
  },
  {
    id: '5HNCy40Ni5BZJFw1TKzRsC',
    name: 'Comfortably Numb',
    artistId: '0k17h0D3J5VfsdmQ1iZtE9',
    album: 'The Wall',
    durationMs: 382297,
  },
  {
    id: '6mFkJmJqdDVQ1REhVfGgd1',
    name: 'Wish You Were Here',
    artistId: '0k17h0D3J5VfsdmQ1iZtE9',
    album: 'Wish You Were Here',
    durationMs: 334743,
  },
  {
    id: '7MJQ9Nfxzh8LPZ9e9u68Fq',
    name: 'Lose Yourself',
    artistId: '7dGJo4pcD2V6oG8kP0tJRR',
    album: '8 Mile',
    durationMs: 326466,
  },
  {
    id: '5sICkBXVmaCQk5aISGR3x1',
    name: 'Enter Sandman',
    artistId: '2ye2Wgw4gimLv2eAKyk1NB',
    album: 'Metallica',
    durationMs: 331560,
  },
  {
    id: '6dGnYIeXmHdcikdzNNDMm2',
    name: 'Here Comes the Sun',
    artistId: '3WrFJ7ztbogyGnTHbHJFl2',
    album: 'Abbey Road',
    durationMs: 185733,
  },
  {
    id: '5ghIJDpPoe3CfHMGu71E6T',
    name: 'Smells Like Teen Spirit',
    artistId: '6olE6TJLqED3rqDCT0FyPh',
    album: 'Nevermind',
    durationMs: 301920,
  },
  {
    id: '4u7EnebtmKWzUH433cf5Qv',
    name: 'Bohemian Rhapsody',
    artistId: '1dfeR4HaWDbWqFHLkxsg1d',
    album: 'A Night at the Opera',
    durationMs: 354320,
  },
  {
    id: '7hQJA50XrCWABAu5v6QZ4i',
    name: "Don't Stop Me Now",
    artistId: '1dfeR4HaWDbWqFHLkxsg1d',
    album: 'Jazz',
    durationMs: 209413,
  },
  {
    id: '7fBv7CLKzipRk6EC6TWHOB',
    name: 'The Model',
    artistId: '1vCWHaC5f2uS3yhpwWbIA6',
    album: 'The Man-Machine',
    durationMs: 219960,
  },
];

const apiBase = 'https://api.spotify.com/v1';

export function artistObject(artist: FakeArtist): Record<string, unknown> {
  return {
    id: artist.id,
    name: artist.name,
    type: 'artist',
    uri: `spotify:artist:${artist.id}`,
    href: `${apiBase}/artists/${artist.id}`,
    genres: artist.genres,
    popularity: 70,
  };
}

export function trackObject(track: FakeTrack): Record<string, unknown> {
  const artist = artists.find((a) => a.id === track.artistId);
  const albumId = `album-${track.id}`;
  return {
    id: track.id,
    name: track.name,
    type: 'track',
    uri: `spotify:track:${track.id}`,
    href: `${apiBase}/tracks/${track.id}`,
    duration_ms: track.durationMs,
    explicit: false,
    popularity: 70,
    artists: artist
      ? [{ id: artist.id, name: artist.name, type: 'artist', uri: `spotify:artist:${artist.id}` }]
      : [],
    album: { id: albumId, name: track.album, type: 'album', uri: `spotify:album:${albumId}` },
  };
}

/** Case-insensitive substring search, the way a user's spoken query should find an artist or a track. */
export function searchCatalog(query: string): { artists: FakeArtist[]; tracks: FakeTrack[] } {
  const needle = query.trim().toLowerCase();
  if (needle === '') return { artists: [], tracks: [] };
  return {
    artists: artists.filter((a) => a.name.toLowerCase().includes(needle)),
    tracks: tracks.filter((t) => {
      const artist = artists.find((a) => a.id === t.artistId);
      return t.name.toLowerCase().includes(needle) || (artist?.name.toLowerCase().includes(needle) ?? false);
    }),
  };
}

/** Resolves a `spotify:track:` or `spotify:artist:` URI to the track that would start playing. */
export function trackForUri(uri: string): FakeTrack | undefined {
  const [scheme, kind, id] = uri.split(':');
  if (scheme !== 'spotify') return undefined;
  if (kind === 'track') return tracks.find((t) => t.id === id);
  if (kind === 'artist') return tracks.find((t) => t.artistId === id);
  return undefined;
}
