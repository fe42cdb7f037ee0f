import { LRUCache } from 'lru-cache';
import type { StateStore } from '../state-store.interface';
import { ClaimRing } from './claim-ring';

/** Milliseconds from any fixed origin (`performance.now()` by default; tests pass their own). */
export interface MonotonicClock {
  now(): number;
}

export interface InMemoryStateStoreLimits {
  /** Most claims kept; the oldest is forgotten first. */
  maxClaims: number;
  /** Most values kept. */
  maxValues: number;
}

/**
 * The state store of one pod, bounded: claims in a {@link ClaimRing} (one per request: the hot path), values in
 * an LRU map with a time to live per entry, apart so that a burst of requests never pushes out stored
 * attributes. Used alone without Redis, and beside Redis as the fallback that answers claims while Redis
 * cannot. The synchronous methods serve that fallback.
 */
export class InMemoryStateStore implements StateStore {
  readonly backend = 'memory';
  private readonly claims: ClaimRing;
  private readonly values: LRUCache<string, string>;

  constructor(limits: InMemoryStateStoreLimits, clock: MonotonicClock = performance) {
    this.claims = new ClaimRing(limits.maxClaims, clock);
    // A default ttl makes lru-cache track expiry; every set passes its own.
    this.values = new LRUCache({ max: limits.maxValues, ttl: 1000, ttlResolution: 0, perf: clock });
  }

  claimNow(key: string, ttlMs: number): boolean {
    if (this.claims.holds(key)) return false;
    this.claims.put(key, ttlMs);
    return true;
  }

  extendNow(key: string, ttlMs: number): void {
    this.claims.put(key, ttlMs);
  }

  releaseNow(key: string): void {
    this.claims.drop(key);
  }

  claim(key: string, ttlMs: number): boolean {
    return this.claimNow(key, ttlMs);
  }

  extend(key: string, ttlMs: number): Promise<void> {
    this.extendNow(key, ttlMs);
    return Promise.resolve();
  }

  release(key: string): Promise<void> {
    this.releaseNow(key);
    return Promise.resolve();
  }

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(key));
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    this.values.set(key, value, { ttl: ttlMs });
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.values.delete(key);
    return Promise.resolve();
  }

  /** Claims in the ring (expired ones included until their slot is reused). */
  get claimCount(): number {
    return this.claims.size;
  }
}
