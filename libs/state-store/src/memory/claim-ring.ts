import type { MonotonicClock } from './in-memory-state-store';

/**
 * The pod's claims (request IDs) in a fixed ring, oldest overwritten first: a Map finds a key's slot and a typed
 * array holds each slot's expiry. Every operation is O(1) with no allocation beyond the Map entry, cheaper than
 * an LRU, whose recency bookkeeping claims do not need (they arrive in roughly expiry order). Memory is fixed by
 * `capacity`.
 */
export class ClaimRing {
  private readonly slotOf = new Map<string, number>();
  private readonly keys: Array<string | undefined>;
  private readonly expiries: Float64Array;
  private next = 0;

  constructor(
    capacity: number,
    private readonly clock: MonotonicClock,
  ) {
    this.keys = new Array<string | undefined>(capacity).fill(undefined);
    this.expiries = new Float64Array(capacity);
  }

  /** Whether `key` is claimed and its claim has not expired. */
  holds(key: string): boolean {
    const slot = this.slotOf.get(key);
    return slot !== undefined && this.expiries[slot] > this.clock.now();
  }

  /** Claims `key` for `ttlMs` from now (again, if it was claimed before). */
  put(key: string, ttlMs: number): void {
    const expiresAt = this.clock.now() + ttlMs;
    const known = this.slotOf.get(key);
    if (known !== undefined) {
      this.expiries[known] = expiresAt;
      return;
    }
    const slot = this.next;
    this.next = slot + 1 === this.keys.length ? 0 : slot + 1;
    const evicted = this.keys[slot];
    if (evicted !== undefined) this.slotOf.delete(evicted);
    this.keys[slot] = key;
    this.expiries[slot] = expiresAt;
    this.slotOf.set(key, slot);
  }

  /** Gives `key` up (its slot is reused in turn). */
  drop(key: string): void {
    const slot = this.slotOf.get(key);
    if (slot !== undefined) this.expiries[slot] = 0;
  }

  /** Keys in the ring (expired ones included until their slot is reused). */
  get size(): number {
    return this.slotOf.size;
  }
}
