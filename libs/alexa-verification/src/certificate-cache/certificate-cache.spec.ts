import { generateKeyPairSync } from 'node:crypto';
import { PinnedClock } from '../../../../test/support/signing/pinned-clock';
import type { SigningCertificate } from '../certificate-chain/signing-certificate';
import { VerificationFailure } from '../verification-failure';
import { CertificateCache } from './certificate-cache';

const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const certificate = (validTo: number): SigningCertificate => ({ publicKey, validFrom: 0, validTo });

/** A load that resolves when the test says so. */
function deferredLoad(): {
  load: jest.Mock<Promise<SigningCertificate>, [string]>;
  settle: (c: SigningCertificate) => void;
  fail: (e: Error) => void;
} {
  let settle!: (c: SigningCertificate) => void;
  let fail!: (e: Error) => void;
  const load = jest.fn(
    (_url: string) =>
      new Promise<SigningCertificate>((resolve, reject) => {
        settle = resolve;
        fail = reject;
      }),
  );
  return { load, settle: (c) => settle(c), fail: (e) => fail(e) };
}

describe('CertificateCache', () => {
  const clock = new PinnedClock(1_000_000);
  const options = { maxEntries: 2, maxConcurrentLoads: 3 };

  it('loads a URL once and answers later requests from memory', async () => {
    const cache = new CertificateCache(options, clock);
    const cert = certificate(2_000_000);
    const load = jest.fn(() => Promise.resolve(cert));
    await expect(cache.get('u1', load)).resolves.toBe(cert);
    await expect(cache.get('u1', load)).resolves.toBe(cert);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('shares one load among concurrent misses for the same URL (single-flight)', async () => {
    const cache = new CertificateCache(options, clock);
    const { load, settle } = deferredLoad();
    const waiting = Array.from({ length: 200 }, () => cache.get('u1', load));
    settle(certificate(2_000_000));
    const results = await Promise.all(waiting);
    expect(load).toHaveBeenCalledTimes(1);
    expect(new Set(results).size).toBe(1);
  });

  it('does not remember a failed load: every waiter fails, the next request loads again', async () => {
    const cache = new CertificateCache(options, clock);
    const first = deferredLoad();
    const waiting = [cache.get('u1', first.load), cache.get('u1', first.load)];
    first.fail(new VerificationFailure('cert_fetch', 'download failed'));
    for (const result of await Promise.allSettled(waiting)) expect(result.status).toBe('rejected');
    const cert = certificate(2_000_000);
    const retry = jest.fn(() => Promise.resolve(cert));
    await expect(cache.get('u1', retry)).resolves.toBe(cert);
    expect(retry).toHaveBeenCalledTimes(1);
  });

  it('drops an entry once its chain expires and loads the URL again', async () => {
    const local = new PinnedClock(1_000_000);
    const cache = new CertificateCache(options, local);
    const load = jest.fn((url: string) => Promise.resolve(certificate(url === 'u1' ? 1_500_000 : 0)));
    await cache.get('u1', load);
    local.set(1_500_000);
    await cache.get('u1', load);
    expect(load).toHaveBeenCalledTimes(1);
    local.set(1_500_001);
    await cache.get('u1', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps at most maxEntries URLs, evicting the least recently used', async () => {
    const cache = new CertificateCache(options, clock);
    const load = jest.fn(() => Promise.resolve(certificate(2_000_000)));
    await cache.get('u1', load);
    await cache.get('u2', load);
    await cache.get('u1', load);
    await cache.get('u3', load);
    expect(cache.size).toBe(2);
    expect(load).toHaveBeenCalledTimes(3);
    await cache.get('u1', load);
    expect(load).toHaveBeenCalledTimes(3);
    await cache.get('u2', load);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('refuses a cold URL while too many downloads are in flight, and recovers after', async () => {
    const cache = new CertificateCache(options, clock);
    const pending = ['a', 'b', 'c'].map(() => deferredLoad());
    const loading = pending.map((d, i) => cache.get(`busy${i}`, d.load));
    const refused = await cache.get('one-too-many', jest.fn()).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      check: 'cert_fetch',
      reason: 'too many certificate downloads in flight',
    });
    // A URL already loading still joins its flight.
    const joined = cache.get('busy0', pending[0].load);
    pending.forEach((d) => d.settle(certificate(2_000_000)));
    await Promise.all([...loading, joined]);
    await expect(cache.get('now-fine', () => Promise.resolve(certificate(2_000_000)))).resolves.toBeDefined();
  });
});
