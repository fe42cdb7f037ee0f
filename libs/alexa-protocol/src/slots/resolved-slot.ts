import type { RequestEnvelope } from 'ask-sdk-model';

/** A slot type value that Alexa's entity resolution matched the spoken value to. */
export interface ResolvedSlotValue {
  /** The ID given to the value in the interaction model (stable across synonyms and locales). */
  readonly id: string;
  /** The value's canonical name. */
  readonly name: string;
}

const MATCH = 'ER_SUCCESS_MATCH';

/**
 * The value entity resolution matched `slotName` to, or undefined (no such slot, no resolution, or
 * `ER_SUCCESS_NO_MATCH` everywhere). Authorities are taken in Amazon's order, so a dynamic entity that matched
 * wins over the static type; within one, the first value. Amazon's reference: "Entity resolution" in the
 * Request Types Reference (`resolutions.resolutionsPerAuthority`). Reads defensively: the parsed body is JSON
 * that only the envelope reader has checked.
 */
export function resolvedSlot(envelope: RequestEnvelope, slotName: string): ResolvedSlotValue | undefined {
  const request = envelope.request as { type?: unknown; intent?: { slots?: unknown } };
  if (request.type !== 'IntentRequest' || !isObject(request.intent?.slots)) return undefined;
  const slots = request.intent.slots;
  const slot = Object.hasOwn(slots, slotName) ? slots[slotName] : undefined;
  const authorities =
    isObject(slot) && isObject(slot.resolutions) && slot.resolutions.resolutionsPerAuthority;
  if (!Array.isArray(authorities)) return undefined;
  for (const authority of authorities as unknown[]) {
    if (!isObject(authority) || !isObject(authority.status) || authority.status.code !== MATCH) continue;
    const first: unknown = Array.isArray(authority.values) ? authority.values[0] : undefined;
    const value = isObject(first) && isObject(first.value) ? first.value : undefined;
    if (value && typeof value.id === 'string' && typeof value.name === 'string') {
      return { id: value.id, name: value.name };
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
