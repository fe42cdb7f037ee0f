import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock/clock.interface';
import type { SigningCertificate } from '../certificate-chain/signing-certificate';
import type { CertificateLocation } from '../certificate-url/certificate-url-policy';
import { VerificationFailure } from '../verification-failure';
import { DownloadSlots } from './download-slots';

export interface CertificateCacheOptions {
  /** Most chains kept that have verified a signature (least recently used evicted). */
  maxEntries: number;
  /** Most chains kept that are downloaded and valid but have not verified a signature yet. */
  maxPending: number;
  /** How long a chain waits in the pending area for a signature it verifies, in milliseconds. */
  pendingTtlMs: number;
  /** Most downloads in flight at once, over all URLs; beyond it a cold URL fails at once. */
  maxConcurrentLoads: number;
  /** Of those, how many only URLs that verified a signature recently may use. */
  reservedLoads: number;
}

/**
 * Where a request found its chain: `hit` (verified area), `pending` (downloaded for an earlier request, or being
 * downloaded: no download of its own) or `miss` (this request downloads it).
 */
export type CertificateLookup = 'hit' | 'pending' | 'miss';

/** Downloads one chain and validates it; failures throw a `cert_*` {@link VerificationFailure}. */
export type CertificateLoader = (url: string) => Promise<SigningCertificate>;

/**
 * How many objects that verified a signature are remembered for their reserved download slots, after their
 * chain expired or was evicted. Amazon uses one URL at a time; the bound only caps memory (keys are at most
 * 2 KB).
 */
const KNOWN_KEYS = 64;

interface PendingCertificate {
  readonly certificate: SigningCertificate;
  /** The earlier of the pending deadline and the chain's own expiry. */
  readonly expiresAt: number;
}

/**
 * Validated signing certificates by S3 object ({@link CertificateLocation.key}), in two bounded areas:
 * - **verified**: chains that have verified a request's signature, kept until they expire (LRU). Only
 *   {@link confirm} puts a chain here, so unsigned requests can neither fill nor evict it.
 * - **pending**: chains downloaded and validated for a request whose signature has not (yet) verified; small,
 *   short-lived (LRU + deadline), so a signed request that finds its chain here needs no second download.
 * Concurrent misses for one object share a single download (single-flight); a failed download is not
 * remembered. Downloads take slots from {@link DownloadSlots}, some of which only objects that verified a
 * signature recently may use. Expiry is read from the injected clock, not from lru-cache's own timer.
 */
export class CertificateCache {
  private readonly verified: LRUCache<string, SigningCertificate>;
  private readonly pending: LRUCache<string, PendingCertificate>;
  /** Objects that verified a signature recently, remembered beyond their chain: they get reserved slots. */
  private readonly known: LRUCache<string, true>;
  private readonly loading = new Map<string, Promise<SigningCertificate>>();
  private readonly slots: DownloadSlots;
  private readonly pendingTtlMs: number;
  private readonly clock: Clock;

  constructor(options: CertificateCacheOptions, clock: Clock) {
    this.verified = new LRUCache({ max: options.maxEntries });
    this.pending = new LRUCache({ max: options.maxPending });
    this.known = new LRUCache({ max: KNOWN_KEYS });
    this.slots = new DownloadSlots(options.maxConcurrentLoads, options.reservedLoads);
    this.pendingTtlMs = options.pendingTtlMs;
    this.clock = clock;
  }

  /** The verified, unexpired certificate for the object `key`, if any (synchronous: the hot path). */
  current(key: string): SigningCertificate | undefined {
    const cached = this.verified.get(key);
    if (cached === undefined || this.clock.now() <= cached.validTo) return cached;
    this.verified.delete(key);
    return undefined;
  }

  /**
   * The certificate for `location`: verified, pending, or the (shared) result of `load(location.url)`, which
   * then waits in the pending area. The caller must {@link confirm} it once a signature verified with it.
   */
  get(location: CertificateLocation, load: CertificateLoader): Promise<SigningCertificate> {
    const { key } = location;
    const cached = this.current(key) ?? this.pendingFor(key);
    if (cached !== undefined) return Promise.resolve(cached);
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    const known = this.known.has(key);
    if (!this.slots.tryAcquire(known)) {
      return Promise.reject(
        new VerificationFailure('cert_fetch', 'too many certificate downloads in flight'),
      );
    }
    const loaded = this.load(location, load, known);
    this.loading.set(key, loaded);
    return loaded;
  }

  /** Whether {@link get} for an object with no verified chain finds one already downloaded (or in flight). */
  lookupUnverified(key: string): Exclude<CertificateLookup, 'hit'> {
    return this.loading.has(key) || this.pendingFor(key) !== undefined ? 'pending' : 'miss';
  }

  /** A signature verified with `certificate`: it moves to the verified area and `key` is known from now on. */
  confirm(key: string, certificate: SigningCertificate): void {
    this.verified.set(key, certificate);
    this.pending.delete(key);
    this.known.set(key, true);
  }

  /** Chains that have verified a signature. */
  get size(): number {
    return this.verified.size;
  }

  /** Chains waiting for a signature (expired ones may still count until looked up or evicted). */
  get pendingSize(): number {
    return this.pending.size;
  }

  private pendingFor(key: string): SigningCertificate | undefined {
    const entry = this.pending.get(key);
    if (entry === undefined || this.clock.now() <= entry.expiresAt) return entry?.certificate;
    this.pending.delete(key);
    return undefined;
  }

  private async load(
    location: CertificateLocation,
    load: CertificateLoader,
    known: boolean,
  ): Promise<SigningCertificate> {
    try {
      const certificate = await load(location.url);
      const expiresAt = Math.min(this.clock.now() + this.pendingTtlMs, certificate.validTo);
      this.pending.set(location.key, { certificate, expiresAt });
      return certificate;
    } finally {
      this.loading.delete(location.key);
      this.slots.release(known);
    }
  }
}
