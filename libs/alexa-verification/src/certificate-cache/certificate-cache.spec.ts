import { generateKeyPairSync } from 'node:crypto';
import { PinnedClock } from '../../../../test/support/signing/pinned-clock';
import type { SigningCertificate } from '../certificate-chain/signing-certificate';
import type { CertificateLocation } from '../certificate-url/certificate-url-policy';
import { VerificationFailure } from '../verification-failure';
import { CertificateCache, type CertificateCacheOptions } from './certificate-cache';

const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const certificate = (validTo = 2_000_000): SigningCertificate => ({ publicKey, validFrom: 0, validTo });
const at = (key: string, url = `https://s3.amazonaws.com${key}`): CertificateLocation => ({ url, key });

/** A slow certificate source: each load resolves or fails when the test says so, never by time. */
function slowSource(): {
  load: jest.Mock<Promise<SigningCertificate>, [string]>;
  settle: (url: string, c?: SigningCertificate) => void;
  fail: (url: string, e: Error) => void;
} {
  const waiting = new Map<string, { resolve: (c: SigningCertificate) => void; reject: (e: Error) => void }>();
  const load = jest.fn(
    (url: string) =>
      new Promise<SigningCertificate>((resolve, reject) => waiting.set(url, { resolve, reject })),
  );
  const take = (url: string) => {
    const held = waiting.get(url);
    if (!held) throw new Error(`no download of ${url} in flight`);
    waiting.delete(url);
    return held;
  };
  return {
    load,
    settle: (url, c = certificate()) => take(url).resolve(c),
    fail: (url, e) => take(url).reject(e),
  };
}

const instant = (c: SigningCertificate = certificate()) => jest.fn((_url: string) => Promise.resolve(c));
const refusal = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'accepted',
    (e: unknown) => e,
  );
const BUSY = { check: 'cert_fetch', reason: 'too many certificate downloads in flight' };

describe('CertificateCache', () => {
  const options: CertificateCacheOptions = {
    maxEntries: 2,
    maxPending: 2,
    pendingTtlMs: 10_000,
    maxConcurrentLoads: 3,
    reservedLoads: 1,
  };
  let clock: PinnedClock;
  let cache: CertificateCache;

  beforeEach(() => {
    clock = new PinnedClock(1_000_000);
    cache = new CertificateCache(options, clock);
  });

  /** Loads `key` and confirms it, as a request whose signature verified does. */
  async function verify(key: string, load = instant()): Promise<SigningCertificate> {
    const c = await cache.get(at(key), load);
    cache.confirm(key, c);
    return c;
  }

  describe('verified and pending areas', () => {
    it('keeps a downloaded chain pending, out of the verified area, until a signature confirms it', async () => {
      const cert = certificate();
      const load = instant(cert);
      await expect(cache.get(at('/a'), load)).resolves.toBe(cert);
      expect(cache.current('/a')).toBeUndefined();
      expect({ verified: cache.size, pending: cache.pendingSize }).toEqual({ verified: 0, pending: 1 });
      cache.confirm('/a', cert);
      expect(cache.current('/a')).toBe(cert);
      expect({ verified: cache.size, pending: cache.pendingSize }).toEqual({ verified: 1, pending: 0 });
    });

    it('answers a pending chain without a second download', async () => {
      const load = instant();
      const first = await cache.get(at('/a'), load);
      await expect(cache.get(at('/a'), load)).resolves.toBe(first);
      expect(load).toHaveBeenCalledTimes(1);
    });

    it('serves URLs naming one object from one entry and one download', async () => {
      const load = instant();
      await verify('/echo.api/a!.pem', load);
      await cache.get(at('/echo.api/a!.pem', 'https://s3.amazonaws.com/echo.api/a%21.pem'), load);
      expect(load).toHaveBeenCalledTimes(1);
    });

    it('never lets unconfirmed chains evict a verified one', async () => {
      const amazon = await verify('/amazon');
      for (let i = 0; i < 100; i++) await cache.get(at(`/flood-${i}`), instant());
      expect(cache.current('/amazon')).toBe(amazon);
      expect({ verified: cache.size, pending: cache.pendingSize }).toEqual({ verified: 1, pending: 2 });
    });

    it('keeps at most maxPending unconfirmed chains, dropping the least recently used', async () => {
      const load = instant();
      await cache.get(at('/p1'), load);
      await cache.get(at('/p2'), load);
      await cache.get(at('/p1'), load);
      await cache.get(at('/p3'), load);
      expect(load).toHaveBeenCalledTimes(3);
      await cache.get(at('/p1'), load);
      expect(load).toHaveBeenCalledTimes(3);
      await cache.get(at('/p2'), load);
      expect(load).toHaveBeenCalledTimes(4);
    });

    it('drops a pending chain after pendingTtlMs', async () => {
      const load = instant();
      await cache.get(at('/p'), load);
      clock.advance(10_000);
      await cache.get(at('/p'), load);
      expect(load).toHaveBeenCalledTimes(1);
      clock.advance(1);
      await cache.get(at('/p'), load);
      expect(load).toHaveBeenCalledTimes(2);
    });

    it('drops a pending chain when the chain expires, if that comes first', async () => {
      const load = instant(certificate(1_000_500));
      await cache.get(at('/p'), load);
      clock.advance(501);
      await cache.get(at('/p'), load);
      expect(load).toHaveBeenCalledTimes(2);
    });

    it('confirms a chain that was pushed out of the pending area while its signature was being checked', async () => {
      const cert = await cache.get(at('/a'), instant());
      for (let i = 0; i < 5; i++) await cache.get(at(`/flood-${i}`), instant());
      cache.confirm('/a', cert);
      expect(cache.current('/a')).toBe(cert);
    });

    it('keeps at most maxEntries verified chains, evicting the least recently used', async () => {
      const load = instant();
      await verify('/u1', load);
      await verify('/u2', load);
      expect(cache.current('/u1')).toBeDefined();
      await verify('/u3', load);
      expect(cache.size).toBe(2);
      expect(cache.current('/u1')).toBeDefined();
      expect(cache.current('/u2')).toBeUndefined();
    });

    it('drops a verified chain once it expires, and loads the object again', async () => {
      const load = instant(certificate(1_500_000));
      await verify('/u1', load);
      clock.set(1_500_000);
      expect(cache.current('/u1')).toBeDefined();
      clock.set(1_500_001);
      expect(cache.current('/u1')).toBeUndefined();
      await cache.get(at('/u1'), load);
      expect(load).toHaveBeenCalledTimes(2);
    });
  });

  describe('downloads', () => {
    it('shares one download among concurrent misses for the same object (single-flight)', async () => {
      const source = slowSource();
      const waiting = Array.from({ length: 200 }, () => cache.get(at('/a'), source.load));
      source.settle('https://s3.amazonaws.com/a');
      const results = await Promise.all(waiting);
      expect(source.load).toHaveBeenCalledTimes(1);
      expect(new Set(results).size).toBe(1);
    });

    it('does not remember a failed download: every waiter fails, the next request loads again', async () => {
      const source = slowSource();
      const waiting = [cache.get(at('/a'), source.load), cache.get(at('/a'), source.load)];
      source.fail('https://s3.amazonaws.com/a', new VerificationFailure('cert_fetch', 'download failed'));
      for (const result of await Promise.allSettled(waiting)) expect(result.status).toBe('rejected');
      const retry = instant();
      await cache.get(at('/a'), retry);
      expect(retry).toHaveBeenCalledTimes(1);
    });

    it('gives unknown objects only the unreserved slots, then refuses them at once', async () => {
      const source = slowSource();
      const held = [cache.get(at('/x1'), source.load), cache.get(at('/x2'), source.load)];
      expect(await refusal(cache.get(at('/x3'), source.load))).toMatchObject(BUSY);
      expect(source.load).toHaveBeenCalledTimes(2);
      // An object already downloading still joins its flight.
      const joined = cache.get(at('/x1'), source.load);
      source.settle('https://s3.amazonaws.com/x1');
      source.settle('https://s3.amazonaws.com/x2');
      await Promise.all([...held, joined]);
      await expect(cache.get(at('/x3'), instant())).resolves.toBeDefined();
    });

    it('gives an object that verified a signature a reserved slot while unknown ones hold all theirs', async () => {
      await verify('/amazon', instant(certificate(1_100_000)));
      clock.advance(100_001); // Amazon's chain expired: the object must be downloaded again.
      const flood = slowSource();
      const held = [cache.get(at('/x1'), flood.load), cache.get(at('/x2'), flood.load)];
      expect(await refusal(cache.get(at('/x3'), flood.load))).toMatchObject(BUSY);
      const renewed = certificate(3_000_000);
      await expect(cache.get(at('/amazon'), instant(renewed))).resolves.toBe(renewed);
      flood.settle('https://s3.amazonaws.com/x1');
      flood.settle('https://s3.amazonaws.com/x2');
      await Promise.all(held);
    });

    it('remembers an object that verified a signature after its chain left the verified area', async () => {
      await verify('/amazon');
      await verify('/other-1');
      await verify('/other-2'); // evicts /amazon (maxEntries 2)
      expect(cache.current('/amazon')).toBeUndefined();
      const flood = slowSource();
      const held = [cache.get(at('/x1'), flood.load), cache.get(at('/x2'), flood.load)];
      const amazon = slowSource();
      const reloading = cache.get(at('/amazon'), amazon.load);
      expect(amazon.load).toHaveBeenCalledTimes(1);
      amazon.settle('https://s3.amazonaws.com/amazon');
      await reloading;
      flood.settle('https://s3.amazonaws.com/x1');
      flood.settle('https://s3.amazonaws.com/x2');
      await Promise.all(held);
    });

    it('lets known objects use every slot, and refuses beyond all of them', async () => {
      for (const key of ['/k1', '/k2', '/k3', '/k4']) await verify(key, instant(certificate(1_100_000)));
      clock.advance(100_001);
      const source = slowSource();
      const loading = ['/k1', '/k2', '/k3'].map((key) => cache.get(at(key), source.load));
      expect(await refusal(cache.get(at('/k4'), source.load))).toMatchObject(BUSY);
      expect(await refusal(cache.get(at('/unknown'), source.load))).toMatchObject(BUSY);
      for (const key of ['/k1', '/k2', '/k3']) source.settle(`https://s3.amazonaws.com${key}`);
      await Promise.all(loading);
    });

    it('frees a slot when a download fails', async () => {
      const source = slowSource();
      const held = [cache.get(at('/x1'), source.load), cache.get(at('/x2'), source.load)];
      source.fail('https://s3.amazonaws.com/x1', new VerificationFailure('cert_fetch', 'download failed'));
      await expect(held[0]).rejects.toBeInstanceOf(VerificationFailure);
      const next = cache.get(at('/x3'), source.load);
      expect(source.load).toHaveBeenCalledTimes(3);
      source.settle('https://s3.amazonaws.com/x2');
      source.settle('https://s3.amazonaws.com/x3');
      await Promise.all([held[1], next]);
    });
  });
});
