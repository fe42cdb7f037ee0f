import type { LookupAddress } from 'node:dns';
import { upstreamDnsLookup } from './upstream-dns-lookup';

describe('upstreamDnsLookup', () => {
  it('is one process-wide function, so every agent shares the cache', () => {
    expect(upstreamDnsLookup()).toBe(upstreamDnsLookup());
  });

  it('resolves a hosts-file name (localhost) through its fallback, in the shape net.connect asks for', async () => {
    const lookup = upstreamDnsLookup();
    // net.connect asks for every address when it may try IPv4 and IPv6 (autoSelectFamily).
    const all = await new Promise<LookupAddress[]>((resolve, reject) =>
      lookup('localhost', { all: true }, (error, addresses) =>
        error ? reject(error) : resolve(addresses as unknown as LookupAddress[]),
      ),
    );
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((a) => (a.family === 4 && a.address === '127.0.0.1') || a.family === 6)).toBe(true);
    const one = await new Promise<{ address: string; family: number }>((resolve, reject) =>
      lookup('localhost', { family: 4 }, (error, address, family) =>
        error ? reject(error) : resolve({ address: address as string, family: family ?? 0 }),
      ),
    );
    expect(one).toEqual({ address: '127.0.0.1', family: 4 });
  });
});
