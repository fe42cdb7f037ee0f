// The fake music API: a real node:http server shaped like the Spotify Web API, plus the Alexa directive
// endpoint (progressive responses). Tests start it on port 0 and steer it with behave(); the CLI demo
// steers it over the /__control endpoints. Erasable TypeScript only: Node 24 runs this file directly.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { artistObject, searchCatalog, trackForUri, trackObject } from './catalog.ts';
import type { FakeTrack } from './catalog.ts';

/** How the next matching requests misbehave. */
export const FAKE_MODES = [
  'slow', // answer normally after delayMs
  'fail', // status (default 503), with Retry-After when retryAfter is set
  '429', // rate limited, Retry-After: retryAfter (default 1)
  '401', // token rejected
  '403', // insufficient scope
  'hang', // never answer (close() still returns at once)
  'malformed', // 200 with a truncated JSON body
  'invalid', // 200 with well-formed JSON of the wrong shape
  '204', // no content
  'no-device', // 404 NO_ACTIVE_DEVICE, as Spotify's player endpoints answer
  'held', // answer normally once the test calls release() (an upstream as slow as the test wants)
] as const;
export type FakeMode = (typeof FAKE_MODES)[number];

export interface FakeBehaviour {
  /** Exact request path (no query) this applies to; every path when absent. */
  path?: string;
  /** Request method this applies to (e.g. `PUT`); every method when absent. */
  method?: string;
  mode: FakeMode;
  /** How many matching requests misbehave before the behaviour is used up; forever when absent. */
  times?: number;
  /** `slow`: delay before the normal answer. @default 1000 */
  delayMs?: number;
  /** `429` (default 1) and `fail`: the Retry-After header, seconds or an HTTP date. */
  retryAfter?: number | string;
  /** `fail`: the status to answer with. @default 503 */
  status?: number;
}

export interface FakeUser {
  id: string;
  displayName: string;
  /** The token is valid but lacks the scopes the skill needs: every music call answers 403. */
  insufficientScope: boolean;
}

export interface FakeMusicApiOptions {
  /** @default 0 (an ephemeral port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /**
   * Accepted bearer tokens: a list, or a map from token to the user it belongs to.
   * @default ['test-token']
   */
  tokens?: readonly string[] | Readonly<Record<string, Partial<FakeUser>>>;
  /** Valid tokens that lack the needed scopes (answered with 403). @default [] */
  insufficientScopeTokens?: readonly string[];
  /** Serve the /__control endpoints (behave, reset, hits, directives) for the CLI demo. @default true */
  control?: boolean;
}

/** A progressive response the directive endpoint received (the bearer token is never kept). */
export interface RecordedDirective {
  requestId: string;
  type: string;
  speech: string;
}

/**
 * A request the fake received: method, path (no query) and the W3C `traceparent` it carried. Nothing else of
 * it is kept: never the Authorization header or the body.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  traceparent: string | undefined;
}

export interface FakeMusicApi {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Requests received on a path (no query), or on every path when absent; control calls not counted. */
  hits(path?: string): number;
  /** Queue a misbehaviour; the first queued behaviour that matches a request applies to it. */
  behave(behaviour: FakeBehaviour): void;
  /** Forget behaviours, hit counts, player state, recorded directives and requests. */
  reset(): void;
  /** Resolves when the next request (on `path`, when given) arrives: a test waits for it, not for time. */
  nextRequest(path?: string): Promise<void>;
  /** Resolves when the next request (on `path`, when given) has been answered (what it did is recorded). */
  nextResponse(path?: string): Promise<void>;
  /** Lets every request held by the `held` mode answer. */
  release(): void;
  /** Progressive responses received on `POST /v1/directives`, oldest first. */
  directives(): RecordedDirective[];
  /** Requests received (control calls not included), oldest first. */
  requests(): RecordedRequest[];
  /** Stops listening and drops every open connection, hung ones included. */
  close(): Promise<void>;
}

interface PlayerState {
  track?: FakeTrack;
  isPlaying: boolean;
  startedAt: number;
}

const SEARCH_TYPES: readonly string[] = ['artist', 'track'];
const MAX_BODY_BYTES = 64 * 1024;

function spotifyError(res: ServerResponse, status: number, message: string, reason?: string): void {
  const error: Record<string, unknown> = { status, message };
  if (reason !== undefined) error.reason = reason;
  json(res, status, { error });
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function noContent(res: ServerResponse): void {
  res.writeHead(204).end();
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined || !header.startsWith('Bearer ')) return undefined;
  const token = header.slice('Bearer '.length).trim();
  return token === '' ? undefined : token;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return Symbol.for('invalid-json');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toUsers(options: FakeMusicApiOptions): Map<string, FakeUser> {
  const users = new Map<string, FakeUser>();
  const tokens = options.tokens ?? ['test-token'];
  const entries: [string, Partial<FakeUser>][] = Array.isArray(tokens)
    ? (tokens as readonly string[]).map((t) => [t, {}])
    : Object.entries(tokens as Readonly<Record<string, Partial<FakeUser>>>);
  let n = 0;
  for (const [token, user] of entries) {
    n += 1;
    users.set(token, {
      id: user.id ?? `user-${n}`,
      displayName: user.displayName ?? `Test User ${n}`,
      insufficientScope: user.insufficientScope ?? false,
    });
  }
  for (const token of options.insufficientScopeTokens ?? []) {
    n += 1;
    users.set(token, { id: `user-${n}`, displayName: `Test User ${n}`, insufficientScope: true });
  }
  return users;
}

/** Validates a behaviour received over the control endpoint (tests call behave() with typed input). */
export function parseBehaviour(value: unknown): FakeBehaviour {
  if (
    !isRecord(value) ||
    typeof value.mode !== 'string' ||
    !(FAKE_MODES as readonly string[]).includes(value.mode)
  ) {
    throw new Error(`mode must be one of ${FAKE_MODES.join(', ')}`);
  }
  const behaviour: FakeBehaviour = { mode: value.mode as FakeMode };
  if (typeof value.path === 'string') behaviour.path = value.path;
  if (typeof value.method === 'string') behaviour.method = value.method.toUpperCase();
  if (typeof value.times === 'number') behaviour.times = value.times;
  if (typeof value.delayMs === 'number') behaviour.delayMs = value.delayMs;
  if (typeof value.status === 'number') behaviour.status = value.status;
  if (typeof value.retryAfter === 'number' || typeof value.retryAfter === 'string') {
    behaviour.retryAfter = value.retryAfter;
  }
  return behaviour;
}

export async function startFakeMusicApi(options: FakeMusicApiOptions = {}): Promise<FakeMusicApi> {
  const users = toUsers(options);
  const control = options.control ?? true;
  let behaviours: FakeBehaviour[] = [];
  let hitCounts = new Map<string, number>();
  let players = new Map<string, PlayerState>();
  let directives: RecordedDirective[] = [];
  let requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  type Waiter = { path: string | undefined; done: () => void };
  let arrivals: Waiter[] = [];
  let responses: Waiter[] = [];
  /** Calls and forgets the waiters for `path`; keeps the others. */
  const notify = (waiters: Waiter[], path: string): Waiter[] =>
    waiters.filter((w) => {
      if (w.path !== undefined && w.path !== path) return true;
      w.done();
      return false;
    });
  let held: Array<() => void> = [];
  const releaseHeld = (): void => {
    const waiting = held;
    held = [];
    for (const resume of waiting) resume();
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const takeBehaviour = (method: string, path: string): FakeBehaviour | undefined => {
    const index = behaviours.findIndex(
      (b) => (b.path === undefined || b.path === path) && (b.method === undefined || b.method === method),
    );
    if (index === -1) return undefined;
    const behaviour = behaviours[index];
    if (behaviour.times !== undefined) {
      behaviour.times -= 1;
      if (behaviour.times <= 0) behaviours.splice(index, 1);
    }
    return behaviour;
  };

  const api: FakeMusicApi = {
    url: '',
    port: 0,
    hits: (path) => {
      if (path !== undefined) return hitCounts.get(path) ?? 0;
      let total = 0;
      for (const count of hitCounts.values()) total += count;
      return total;
    },
    behave: (behaviour) => {
      behaviours.push({ ...parseBehaviour(behaviour) });
    },
    reset: () => {
      behaviours = [];
      hitCounts = new Map();
      players = new Map();
      directives = [];
      requests = [];
    },
    directives: () => directives.map((d) => ({ ...d })),
    requests: () => requests.map((r) => ({ ...r })),
    nextRequest: (path) => new Promise((done) => arrivals.push({ path, done })),
    nextResponse: (path) => new Promise((done) => responses.push({ path, done })),
    release: releaseHeld,
    close: () => Promise.resolve(),
  };

  /** Answers as the misbehaviour says; returns true when the request is done (or must hang). */
  const misbehave = async (behaviour: FakeBehaviour, res: ServerResponse): Promise<boolean> => {
    switch (behaviour.mode) {
      case 'slow':
        await sleep(behaviour.delayMs ?? 1000);
        return res.destroyed;
      case 'hang':
        return true;
      case 'held':
        await new Promise<void>((resume) => held.push(resume));
        return res.destroyed;
      case 'fail': {
        const headers: Record<string, string> = {};
        if (behaviour.retryAfter !== undefined) headers['retry-after'] = String(behaviour.retryAfter);
        const status = behaviour.status ?? 503;
        json(res, status, { error: { status, message: 'Service unavailable' } }, headers);
        return true;
      }
      case '429':
        json(
          res,
          429,
          { error: { status: 429, message: 'API rate limit exceeded' } },
          { 'retry-after': String(behaviour.retryAfter ?? 1) },
        );
        return true;
      case '401':
        spotifyError(res, 401, 'The access token expired');
        return true;
      case '403':
        spotifyError(res, 403, 'Insufficient client scope');
        return true;
      case 'malformed':
        res
          .writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
          .end('{"display_name": "Ada", ');
        return true;
      case 'invalid':
        // Well-formed JSON of the wrong shape (a schema violation, not a parse error).
        json(res, 200, { id: 42, is_playing: 'yes', items: null });
        return true;
      case '204':
        noContent(res);
        return true;
      case 'no-device':
        spotifyError(res, 404, 'Player command failed: No active device found', 'NO_ACTIVE_DEVICE');
        return true;
    }
  };

  const handleControl = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const route = `${req.method} ${url.pathname}`;
    if (route === 'POST /__control/behave') {
      try {
        api.behave(parseBehaviour(parseJson(await readBody(req))));
        json(res, 200, { ok: true, queued: behaviours.length });
      } catch (error) {
        json(res, 400, { error: (error as Error).message });
      }
    } else if (route === 'POST /__control/reset') {
      api.reset();
      json(res, 200, { ok: true });
    } else if (route === 'GET /__control/hits') {
      const path = url.searchParams.get('path') ?? undefined;
      json(res, 200, { path: path ?? null, hits: api.hits(path), byPath: Object.fromEntries(hitCounts) });
    } else if (route === 'GET /__control/directives') {
      json(res, 200, { directives: api.directives() });
    } else if (route === 'GET /__control/requests') {
      json(res, 200, { requests: api.requests() });
    } else {
      json(res, 404, { error: 'unknown control route' });
    }
  };

  const handleDirective = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Alexa's directive API answers 204 on success, 400 on a bad body, 401 without a bearer token.
    if (bearerToken(req) === undefined) {
      json(res, 401, { code: 'INVALID_ACCESS_TOKEN', message: 'missing bearer token' });
      return;
    }
    const body = parseJson(await readBody(req));
    const header = isRecord(body) && isRecord(body.header) ? body.header : undefined;
    const directive = isRecord(body) && isRecord(body.directive) ? body.directive : undefined;
    if (
      typeof header?.requestId !== 'string' ||
      typeof directive?.type !== 'string' ||
      typeof directive.speech !== 'string'
    ) {
      json(res, 400, {
        code: 'INVALID_DIRECTIVE',
        message: 'header.requestId, directive.type and speech required',
      });
      return;
    }
    directives.push({ requestId: header.requestId, type: directive.type, speech: directive.speech });
    noContent(res);
  };

  const player = (token: string): PlayerState => {
    let state = players.get(token);
    if (state === undefined) {
      state = { isPlaying: false, startedAt: 0 };
      players.set(token, state);
    }
    return state;
  };

  const handleMusic = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    user: FakeUser,
    token: string,
  ): Promise<void> => {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /v1/me':
        json(res, 200, {
          id: user.id,
          display_name: user.displayName,
          type: 'user',
          uri: `spotify:user:${user.id}`,
          href: `https://api.spotify.com/v1/users/${user.id}`,
          country: 'US',
          product: 'premium',
        });
        return;
      case 'GET /v1/me/player/currently-playing': {
        const state = players.get(token);
        if (state?.track === undefined) {
          noContent(res);
          return;
        }
        json(res, 200, {
          timestamp: state.startedAt,
          progress_ms: state.isPlaying ? Math.min(Date.now() - state.startedAt, state.track.durationMs) : 0,
          is_playing: state.isPlaying,
          currently_playing_type: 'track',
          item: trackObject(state.track),
        });
        return;
      }
      case 'GET /v1/search': {
        const q = url.searchParams.get('q');
        const types = (url.searchParams.get('type') ?? '').split(',').filter((t) => t !== '');
        if (q === null || q.trim() === '') {
          spotifyError(res, 400, 'No search query');
          return;
        }
        if (types.length === 0 || types.some((t) => !SEARCH_TYPES.includes(t))) {
          spotifyError(res, 400, 'Bad search type field');
          return;
        }
        const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 20) || 20, 1), 50);
        const found = searchCatalog(q);
        const page = (items: unknown[], kind: string): Record<string, unknown> => ({
          href: `https://api.spotify.com/v1/search?q=${encodeURIComponent(q)}&type=${kind}`,
          items: items.slice(0, limit),
          limit,
          offset: 0,
          total: items.length,
          next: null,
          previous: null,
        });
        const body: Record<string, unknown> = {};
        if (types.includes('artist')) body.artists = page(found.artists.map(artistObject), 'artist');
        if (types.includes('track')) body.tracks = page(found.tracks.map(trackObject), 'track');
        json(res, 200, body);
        return;
      }
      case 'PUT /v1/me/player/play': {
        const body = parseJson(await readBody(req));
        if (body !== undefined && !isRecord(body)) {
          spotifyError(res, 400, 'Malformed json');
          return;
        }
        const state = player(token);
        const uris = body?.uris;
        const contextUri = body?.context_uri;
        let uri: string | undefined;
        if (Array.isArray(uris) && typeof uris[0] === 'string') uri = uris[0];
        else if (typeof contextUri === 'string') uri = contextUri;
        if (uri !== undefined) {
          const track = trackForUri(uri);
          if (track === undefined) {
            spotifyError(res, 400, 'Invalid track uri');
            return;
          }
          state.track = track;
          state.startedAt = Date.now();
        }
        state.isPlaying = state.track !== undefined;
        noContent(res);
        return;
      }
      case 'PUT /v1/me/player/pause':
        player(token).isPlaying = false;
        noContent(res);
        return;
      default:
        spotifyError(res, 404, 'Service not found');
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake.local');
    const method = req.method ?? 'GET';
    if (url.pathname.startsWith('/__control/')) {
      if (control) await handleControl(req, res, url);
      else json(res, 404, { error: 'control disabled' });
      return;
    }
    hitCounts.set(url.pathname, (hitCounts.get(url.pathname) ?? 0) + 1);
    const traceparent = req.headers.traceparent;
    requests.push({
      method,
      path: url.pathname,
      traceparent: typeof traceparent === 'string' ? traceparent : undefined,
    });
    arrivals = notify(arrivals, url.pathname);
    res.once('close', () => (responses = notify(responses, url.pathname)));

    const behaviour = takeBehaviour(method, url.pathname);
    if (behaviour !== undefined && (await misbehave(behaviour, res))) return;

    if (method === 'POST' && url.pathname === '/v1/directives') {
      await handleDirective(req, res);
      return;
    }
    const token = bearerToken(req);
    const user = token === undefined ? undefined : users.get(token);
    if (token === undefined || user === undefined) {
      spotifyError(res, 401, token === undefined ? 'No token provided' : 'Invalid access token');
      return;
    }
    if (user.insufficientScope) {
      spotifyError(res, 403, 'Insufficient client scope');
      return;
    }
    await handleMusic(req, res, url, user, token);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) json(res, 500, { error: (error as Error).message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const result: FakeMusicApi = {
    ...api,
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        releaseHeld();
        server.close(() => resolve());
        // Hung and keep-alive connections would hold close() open forever.
        server.closeAllConnections();
      }),
  };
  return result;
}
