import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock/clock.interface';
import type { ReplayStore } from './replay-store.interface';

/**
 * A bounded in-memory {@link ReplayStore}, per pod. When full, the least recently seen ID is forgotten first;
 * entries are kept for the replay window only, read against the injected clock.
 */
export class InMemoryReplayStore implements ReplayStore {
  private readonly seen: LRUCache<string, number>;
  private readonly clock: Clock;

  constructor(maxEntries: number, clock: Clock) {
    this.seen = new LRUCache({ max: maxEntries });
    this.clock = clock;
  }

  remember(requestId: string, expiresAt: number): boolean {
    const until = this.seen.peek(requestId);
    if (until !== undefined && until >= this.clock.now()) return false;
    this.seen.set(requestId, expiresAt);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}
