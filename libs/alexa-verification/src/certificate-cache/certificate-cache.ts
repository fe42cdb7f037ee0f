import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock/clock.interface';
import type { SigningCertificate } from '../certificate-chain/signing-certificate';
import { VerificationFailure } from '../verification-failure';

export interface CertificateCacheOptions {
  /** Most certificate URLs kept (least recently used evicted). */
  maxEntries: number;
  /** Most downloads in flight at once, over all URLs; beyond it a cold URL fails at once. */
  maxConcurrentLoads: number;
}

/**
 * Validated signing certificates by (normalised) URL, kept until the chain expires. Bounded (LRU).
 * Concurrent misses for one URL share a single load (single-flight); a failed load is not remembered, so the
 * next request tries again. Expiry is read from the injected clock, not from lru-cache's own timer.
 */
export class CertificateCache {
  private readonly entries: LRUCache<string, SigningCertificate>;
  private readonly loading = new Map<string, Promise<SigningCertificate>>();
  private readonly clock: Clock;
  private readonly maxConcurrentLoads: number;

  constructor(options: CertificateCacheOptions, clock: Clock) {
    this.entries = new LRUCache({ max: options.maxEntries });
    this.maxConcurrentLoads = options.maxConcurrentLoads;
    this.clock = clock;
  }

  /** The cached, unexpired certificate for `url`, if any (synchronous: the hot path). */
  current(url: string): SigningCertificate | undefined {
    const cached = this.entries.get(url);
    if (cached === undefined || this.clock.now() <= cached.validTo) return cached;
    this.entries.delete(url);
    return undefined;
  }

  /** The cached certificate for `url`, or the (shared) result of `load(url)`. */
  get(url: string, load: (url: string) => Promise<SigningCertificate>): Promise<SigningCertificate> {
    const cached = this.current(url);
    if (cached !== undefined) return Promise.resolve(cached);
    const pending = this.loading.get(url);
    if (pending) return pending;
    if (this.loading.size >= this.maxConcurrentLoads) {
      return Promise.reject(
        new VerificationFailure('cert_fetch', 'too many certificate downloads in flight'),
      );
    }
    const loaded = this.load(url, load);
    this.loading.set(url, loaded);
    return loaded;
  }

  get size(): number {
    return this.entries.size;
  }

  private async load(
    url: string,
    load: (url: string) => Promise<SigningCertificate>,
  ): Promise<SigningCertificate> {
    try {
      const certificate = await load(url);
      this.entries.set(url, certificate);
      return certificate;
    } finally {
      this.loading.delete(url);
    }
  }
}
