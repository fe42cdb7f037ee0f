import { once } from 'node:events';
import { get } from 'node:http';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream';

// The test kit's fake upstream, over real sockets: what a generated module's e2e spec relies on.

describe('the fake upstream of the test kit', () => {
  let upstream: FakeUpstream;

  beforeEach(async () => {
    upstream = await startFakeUpstream();
  });
  afterEach(() => upstream.close());

  const causeCode = (error: unknown) => ((error as Error).cause as { code?: string } | undefined)?.code;

  it('answers a route with its status, JSON body and headers, and records the request', async () => {
    upstream.route('GET', '/items/1', { status: 201, body: { id: 1 }, headers: { 'x-answer': 'yes' } });
    const res = await fetch(`${upstream.url}/items/1?full=true`, { headers: { authorization: 'Bearer t' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-answer')).toBe('yes');
    expect(await res.json()).toEqual({ id: 1 });
    expect(upstream.requests).toEqual([
      expect.objectContaining({ method: 'GET', url: '/items/1?full=true', body: '' }),
    ]);
    expect(upstream.requests[0].headers.authorization).toBe('Bearer t');
  });

  it('gives the scripted answers once each, in order, then the standing one', async () => {
    upstream.route('GET', /^\/items\//, { status: 200, body: 'standing' });
    upstream.script('GET', /^\/items\//, { status: 503 }, { status: 429, headers: { 'retry-after': '1' } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${upstream.url}/items/${i}`)).status);
    expect(statuses).toEqual([503, 429, 200]);
  });

  it('answers 404 for a route it was not given', async () => {
    upstream.route('GET', '/known', { status: 200 });
    expect((await fetch(`${upstream.url}/known`, { method: 'POST', body: 'x' })).status).toBe(404);
    expect(upstream.requests[0]).toEqual(expect.objectContaining({ method: 'POST', body: 'x' }));
  });

  it('resolves nextRequest when a request arrives, also one it never answers (hang)', async () => {
    upstream.route('GET', '/slow', 'hang');
    const received = upstream.nextRequest();
    const abort = new AbortController();
    const call = fetch(`${upstream.url}/slow`, { signal: abort.signal });
    expect((await received).url).toBe('/slow');
    abort.abort();
    await expect(call).rejects.toThrow();
  });

  it('resets the connection for reset', async () => {
    upstream.route('GET', '/reset', 'reset');
    const request = get(`${upstream.url}/reset`);
    const [error] = (await once(request, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNRESET');
  });

  it('refuses connections while down and answers again after up, on the same URL', async () => {
    upstream.route('GET', '/up', { status: 204 });
    await upstream.down();
    const error = await fetch(`${upstream.url}/up`).catch((e: unknown) => e);
    expect(causeCode(error)).toBe('ECONNREFUSED');
    await upstream.up();
    expect((await fetch(`${upstream.url}/up`)).status).toBe(204);
  });
});
