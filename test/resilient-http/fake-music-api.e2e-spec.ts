import { startFakeMusicApi } from '../../tools/fake-music-api.ts';
import type { FakeMusicApi } from '../../tools/fake-music-api.ts';

// The fake itself: the other suites trust it to check tokens and to misbehave on cue.

describe('fake music API', () => {
  let fake: FakeMusicApi;
  const get = (path: string, token?: string) =>
    fetch(`${fake.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    fake = await startFakeMusicApi({ tokens: ['t1'], insufficientScopeTokens: ['narrow'] });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('checks the bearer token: 401 without or with an unknown one, 403 for an insufficient scope', async () => {
    expect((await get('/v1/me')).status).toBe(401);
    expect((await get('/v1/me', 'nope')).status).toBe(401);
    expect((await get('/v1/me', 'narrow')).status).toBe(403);
    expect((await get('/v1/me', 't1')).status).toBe(200);
    expect(fake.hits('/v1/me')).toBe(4);
  });

  it('answers search like the Spotify Web API, and 400 without a query', async () => {
    const res = await get('/v1/search?type=artist&q=queen', 't1');
    const body = (await res.json()) as { artists: { items: { name: string }[] }; tracks?: unknown };
    expect(body.artists.items.map((a) => a.name)).toEqual(['Queen']);
    expect(body.tracks).toBeUndefined();
    expect((await get('/v1/search?type=artist', 't1')).status).toBe(400);
  });

  it('applies a behaviour the given number of times, then answers normally', async () => {
    fake.behave({ path: '/v1/me', mode: 'fail', times: 2 });
    expect((await get('/v1/me', 't1')).status).toBe(503);
    expect((await get('/v1/me', 't1')).status).toBe(503);
    expect((await get('/v1/me', 't1')).status).toBe(200);
  });

  it('says when a request arrives, and holds a request until released', async () => {
    fake.behave({ path: '/v1/me', mode: 'held', times: 1 });
    const arrived = fake.nextRequest('/v1/me');
    let answered = false;
    const held = get('/v1/me', 't1').then((res) => ((answered = true), res));
    await arrived;
    expect(fake.hits('/v1/me')).toBe(1);
    expect((await get('/v1/me', 't1')).status).toBe(200); // only the first one is held
    expect(answered).toBe(false);
    fake.release();
    expect((await held).status).toBe(200);
  });

  it('sends Retry-After with 429', async () => {
    fake.behave({ mode: '429', retryAfter: 7, times: 1 });
    const res = await get('/v1/me', 't1');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it('is steered over its control endpoints too', async () => {
    const behave = await fetch(`${fake.url}/__control/behave`, {
      method: 'POST',
      body: JSON.stringify({ path: '/v1/me/player/play', mode: 'no-device', times: 1 }),
    });
    expect(behave.status).toBe(200);
    const play = await fetch(`${fake.url}/v1/me/player/play`, {
      method: 'PUT',
      headers: { authorization: 'Bearer t1' },
    });
    expect(play.status).toBe(404);
    expect(await play.json()).toMatchObject({ error: { reason: 'NO_ACTIVE_DEVICE' } });
    const hits = (await (await fetch(`${fake.url}/__control/hits?path=/v1/me/player/play`)).json()) as {
      hits: number;
    };
    expect(hits.hits).toBe(1);
    const bad = await fetch(`${fake.url}/__control/behave`, { method: 'POST', body: '{"mode":"explode"}' });
    expect(bad.status).toBe(400);
  });

  it('closes at once, even with a hung request open', async () => {
    const own = await startFakeMusicApi();
    own.behave({ mode: 'hang' });
    const arrived = own.nextRequest();
    const hung = fetch(`${own.url}/v1/me`).catch((error: unknown) => error);
    await arrived;
    await own.close(); // resolves only once no connection is left, the hung one included
    // the client sees the connection dropped (fetch rejects; its TypeError comes from another realm)
    expect(await hung).toMatchObject({ message: 'fetch failed' });
  });
});
