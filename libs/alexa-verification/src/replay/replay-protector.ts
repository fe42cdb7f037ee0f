import { isSkillEvent } from '@lib/alexa-skill';
import { VerificationFailure } from '../verification-failure';
import type { ReplayStore } from './replay-store.interface';

/** What a verified request is, as far as replays go. */
export type Delivery = 'first' | 'redelivery';

/**
 * Replay protection (issue 9), run last, on requests that passed every other check (so unsigned requests can
 * never fill the store). A request ID seen again inside its timestamp window is a replay and refused — except
 * for the five skill events, which Amazon redelivers with the same ID until it gets a 200: those are marked as
 * redeliveries, to be acknowledged without being processed twice.
 */
export class ReplayProtector {
  private readonly store: ReplayStore;

  constructor(store: ReplayStore) {
    this.store = store;
  }

  /**
   * `expiresAt`: when the request's timestamp stops passing (epoch ms). Answers synchronously when the store
   * does (the in-memory one), so the hot path allocates no promise for it.
   */
  check(requestId: string, requestType: string, expiresAt: number): Delivery | Promise<Delivery> {
    const remembered = this.store.remember(requestId, expiresAt);
    return typeof remembered === 'boolean'
      ? decide(remembered, requestType)
      : remembered.then((isNew) => decide(isNew, requestType));
  }
}

function decide(isNew: boolean, requestType: string): Delivery {
  if (isNew) return 'first';
  if (isSkillEvent(requestType)) return 'redelivery';
  throw new VerificationFailure('replay', 'request ID was already accepted');
}
