import { Logger } from '@nestjs/common';
import { readEnvelope, type RequestEnvelope } from '@lib/alexa-protocol';
import { type StateKeys, type StateStore, StateStoreUnavailableError } from '@lib/state-store';
import type { PersistenceAdapter } from 'ask-sdk-core';

type Attributes = Record<string, unknown>;

/** Largest serialised attributes of one user: a skill keeps preferences and history here, not files. */
export const MAX_ATTRIBUTES_BYTES = 64 * 1024;

/** Saving attributes over {@link MAX_ATTRIBUTES_BYTES}: a handler's mistake, answered as a handler error. */
export class AttributesTooLargeError extends Error {
  override readonly name = 'AttributesTooLargeError';
}

/**
 * ask-sdk's `PersistenceAdapter` on the state store, so `attributesManager.getPersistentAttributes()` works in
 * any handler: one JSON value per user and skill, under an HMAC of the user ID, living `ttlMs` after its last
 * save. When the store cannot answer, attributes read as empty and a save of that request is skipped: it
 * would overwrite what could not be read.
 */
export class StatePersistenceAdapter implements PersistenceAdapter {
  private readonly logger = new Logger('PersistentAttributes');
  /** Requests whose read failed: their save is skipped. */
  private readonly unread = new WeakSet<RequestEnvelope>();

  constructor(
    private readonly store: StateStore,
    private readonly keys: StateKeys,
    private readonly ttlMs: number,
  ) {}

  async getAttributes(envelope: RequestEnvelope): Promise<Attributes> {
    const key = this.keyOf(envelope);
    if (key === undefined) return {};
    let stored: string | undefined;
    try {
      stored = await this.store.get(key);
    } catch (error) {
      if (!(error instanceof StateStoreUnavailableError)) throw error;
      this.unread.add(envelope);
      return {};
    }
    if (stored === undefined) return {};
    const attributes = parseAttributes(stored);
    if (attributes === undefined) {
      this.unread.add(envelope);
      this.logger.error('stored attributes are not a JSON object: read as empty, not overwritten');
      return {};
    }
    return attributes;
  }

  async saveAttributes(envelope: RequestEnvelope, attributes: Attributes): Promise<void> {
    const key = this.keyOf(envelope);
    if (key === undefined || this.unread.has(envelope)) return;
    const json = JSON.stringify(attributes);
    if (Buffer.byteLength(json) > MAX_ATTRIBUTES_BYTES) {
      throw new AttributesTooLargeError(`persistent attributes over ${MAX_ATTRIBUTES_BYTES} bytes`);
    }
    await this.store.set(key, json, this.ttlMs).catch(skipWhenUnavailable);
  }

  async deleteAttributes(envelope: RequestEnvelope): Promise<void> {
    const key = this.keyOf(envelope);
    if (key !== undefined) await this.store.delete(key).catch(skipWhenUnavailable);
  }

  /** ask-sdk hands over the envelope the skill endpoint passed in: its facts were read already. */
  private keyOf(envelope: RequestEnvelope): string | undefined {
    const { facts } = readEnvelope(envelope);
    const userId = facts?.userId;
    return userId === undefined ? undefined : this.keys.user(facts?.skillId ?? 'unknown', userId);
  }
}

/** Not saved: the store counted and logged its failure. */
function skipWhenUnavailable(error: unknown): void {
  if (!(error instanceof StateStoreUnavailableError)) throw error;
}

function parseAttributes(stored: string): Attributes | undefined {
  try {
    const value: unknown = JSON.parse(stored);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Attributes)
      : undefined;
  } catch {
    return undefined;
  }
}
