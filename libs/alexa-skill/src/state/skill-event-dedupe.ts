import type { StateKeys, StateStore } from '@lib/state-store';
import { SKILL_EVENT_REDELIVERY_WINDOW_MS } from '@lib/alexa-protocol';

/** Beyond the deadline, how long a claimed event stays in hand before another delivery may take it over. */
const LEASE_MARGIN_MS = 3000;
/** A handled event is remembered a little longer than Amazon redelivers it. */
const HANDLED_WINDOW_MS = SKILL_EVENT_REDELIVERY_WINDOW_MS + 60_000;

/**
 * Skill events are handled once across all pods. The first delivery claims the event's request ID in the
 * shared store with a lease as long as the request's deadline; once handled, the mark is kept for the whole
 * redelivery window; if handling failed, the claim is given up so Amazon's next delivery handles it. A
 * delivery that finds the ID claimed is acknowledged without being handled: Amazon redelivers events until it
 * gets a 200. A pod that dies while handling leaves only its lease behind, so a later redelivery is handled.
 */
export class SkillEventDedupe {
  private readonly leaseMs: number;

  constructor(
    private readonly store: StateStore,
    private readonly keys: StateKeys,
    deadlineMs: number,
  ) {
    this.leaseMs = deadlineMs + LEASE_MARGIN_MS;
  }

  /** `true` when this delivery is the one to handle the event. */
  claim(skillId: string, requestId: string): boolean | Promise<boolean> {
    return this.store.claim(this.keys.event(skillId, requestId), this.leaseMs);
  }

  /** Makes the claim final (handled) or gives it up (failed). Never rejects. */
  finish(skillId: string, requestId: string, handled: boolean): Promise<void> {
    const key = this.keys.event(skillId, requestId);
    return handled ? this.store.extend(key, HANDLED_WINDOW_MS) : this.store.release(key);
  }
}
