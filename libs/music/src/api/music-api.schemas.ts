import { z } from 'zod';

// The parts of Spotify Web API responses the skill reads
// (https://developer.spotify.com/documentation/web-api/reference). Unknown fields are ignored, so the
// upstream may add fields freely; each schema maps the wire shape to the module's own types.

const artistRef = z.object({ id: z.string(), name: z.string(), uri: z.string() });

export const artistSchema = artistRef.transform((a) => ({ id: a.id, name: a.name, uri: a.uri }));

export const trackSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    uri: z.string(),
    duration_ms: z.number().int().nonnegative().optional(),
    artists: z.array(artistRef.pick({ name: true })).default([]),
    album: z.object({ name: z.string() }).optional(),
  })
  .transform((t) => ({
    id: t.id,
    name: t.name,
    uri: t.uri,
    artists: t.artists.map((a) => a.name),
    album: t.album?.name,
    durationMs: t.duration_ms,
  }));

/** `GET /v1/me` */
export const userProfileSchema = z
  .object({ id: z.string(), display_name: z.string().nullish() })
  .transform((u) => ({ id: u.id, displayName: u.display_name ?? undefined }));

/**
 * `GET /v1/me/player/currently-playing` (200; 204 means nothing is playing). `item` is null for episodes,
 * ads and private sessions, since the client does not ask for `additional_types`.
 */
export const currentlyPlayingSchema = z
  .object({ is_playing: z.boolean(), progress_ms: z.number().int().nullish(), item: trackSchema.nullish() })
  .transform((p) => ({
    isPlaying: p.is_playing,
    progressMs: p.progress_ms ?? undefined,
    track: p.item ?? undefined,
  }));

const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int() });

/** `GET /v1/search?type=artist,track` (a section is absent when its type was not asked for). */
export const searchResultsSchema = z
  .object({ artists: page(artistSchema).optional(), tracks: page(trackSchema).optional() })
  .transform((r) => ({ artists: r.artists?.items ?? [], tracks: r.tracks?.items ?? [] }));

export type MusicArtist = z.output<typeof artistSchema>;
export type MusicTrack = z.output<typeof trackSchema>;
export type MusicUser = z.output<typeof userProfileSchema>;
export type NowPlaying = z.output<typeof currentlyPlayingSchema>;
export type SearchResults = z.output<typeof searchResultsSchema>;

/**
 * Spotify's error object, `{ error: { status, message, reason? } }`: `reason` names a player error such as
 * `NO_ACTIVE_DEVICE` (https://developer.spotify.com/documentation/web-api/concepts/api-calls#response-schema).
 */
const errorBodySchema = z.object({ error: z.object({ reason: z.string() }) });

/** The music client's `errorReason`: the reason of a 4xx body in Spotify's error format. */
export const musicErrorReason = (body: unknown): string | undefined =>
  errorBodySchema.safeParse(body).data?.error.reason;
