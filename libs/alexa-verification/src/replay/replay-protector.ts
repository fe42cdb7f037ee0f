import { isSkillEvent } from '@lib/alexa-protocol';
import type { StateKeys, StateStore } from '@lib/state-store';
import type { Clock } from '../clock/clock.interface';
import { VerificationFailure } from '../verification-failure';

/**
 * How much longer than its timestamp's tolerance a request ID is remembered: another pod's clock may run a
 * little behind this one's, and would still accept the request then.
 */
export const REPLAY_CLOCK_MARGIN_MS = 10_000;

/**
 * Replay protection, run last, on requests that passed every other check (so unsigned requests never reach
 * the store): the first pod to see a request ID claims it in the shared state store (`SET NX PX`), and a
 * second request with that ID, on any pod, is refused while its timestamp would still pass. The five skill
 * events are not refused here: Amazon redelivers them with the same ID until it gets a 200, and the skill core
 * acknowledges a redelivery without handling it twice.
 */
export class ReplayProtector {
  constructor(
    private readonly store: StateStore,
    private readonly keys: StateKeys,
    private readonly clock: Clock,
  ) {}

  /**
   * `expiresAt`: when the request's timestamp stops passing (epoch ms). Synchronous when the store answers
   * synchronously (the pod's memory), so the hot path allocates no promise for it.
   */
  check(skillId: string, requestId: string, requestType: string, expiresAt: number): void | Promise<void> {
    if (isSkillEvent(requestType)) return;
    const ttlMs = Math.max(0, expiresAt - this.clock.now()) + REPLAY_CLOCK_MARGIN_MS;
    const first = this.store.claim(this.keys.request(skillId, requestId), ttlMs);
    return typeof first === 'boolean' ? refuseUnlessFirst(first) : first.then(refuseUnlessFirst);
  }
}

function refuseUnlessFirst(first: boolean): void {
  if (!first) throw new VerificationFailure('replay', 'request ID was already accepted');
}
