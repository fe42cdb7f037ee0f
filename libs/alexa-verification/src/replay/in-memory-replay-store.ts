import type { Clock } from '../clock/clock.interface';
import type { ReplayStore } from './replay-store.interface';

/**
 * A bounded in-memory {@link ReplayStore}, per pod. IDs sit in a fixed ring, oldest overwritten first; a Map
 * finds an ID's slot and a typed array holds each slot's expiry. Every call is O(1) with no allocation beyond
 * the Map entry — cheaper than an LRU, whose recency bookkeeping this does not need (IDs arrive in roughly
 * expiry order). Memory is fixed by `maxEntries`.
 */
export class InMemoryReplayStore implements ReplayStore {
  private readonly slotOf = new Map<string, number>();
  private readonly ids: Array<string | undefined>;
  private readonly expiries: Float64Array;
  private next = 0;
  private readonly clock: Clock;

  constructor(maxEntries: number, clock: Clock) {
    this.ids = new Array<string | undefined>(maxEntries).fill(undefined);
    this.expiries = new Float64Array(maxEntries);
    this.clock = clock;
  }

  remember(requestId: string, expiresAt: number): boolean {
    const known = this.slotOf.get(requestId);
    if (known !== undefined && this.expiries[known] >= this.clock.now()) return false;
    const slot = this.next;
    this.next = slot + 1 === this.ids.length ? 0 : slot + 1;
    const evicted = this.ids[slot];
    // The evicted ID may have been remembered again in a newer slot: only forget it if this slot is its own.
    if (evicted !== undefined && this.slotOf.get(evicted) === slot) this.slotOf.delete(evicted);
    this.ids[slot] = requestId;
    this.expiries[slot] = expiresAt;
    this.slotOf.set(requestId, slot);
    return true;
  }

  /** IDs currently remembered (expired ones included until their slot is reused). */
  get size(): number {
    return this.slotOf.size;
  }
}
