import { Logger } from '@nestjs/common';
import { InMemoryStateStore, StateKeys, type StateStore, StateStoreUnavailableError } from '@lib/state-store';
import type { RequestEnvelope } from 'ask-sdk-model';
import { AttributesTooLargeError, StatePersistenceAdapter } from './state-persistence.adapter';

const SKILL = 'amzn1.ask.skill.test';
const USER = 'amzn1.ask.account.USER';
const keys = new StateKeys('test-secret');
const envelope = (userId: string | null = USER): RequestEnvelope =>
  ({
    version: '1.0',
    context: {
      System: { application: { applicationId: SKILL }, user: userId === null ? undefined : { userId } },
    },
    request: { type: 'IntentRequest', requestId: 'r', timestamp: '', locale: 'en-US' },
  }) as unknown as RequestEnvelope;

describe('StatePersistenceAdapter', () => {
  let store: InMemoryStateStore;
  let adapter: StatePersistenceAdapter;
  let error: jest.SpyInstance;

  beforeEach(() => {
    store = new InMemoryStateStore({ maxClaims: 10, maxValues: 10 });
    adapter = new StatePersistenceAdapter(store, keys, 60_000);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => error.mockRestore());

  it('saves and reads a user’s attributes as JSON under the HMAC key of the user', async () => {
    await adapter.saveAttributes(envelope(), { music: { lastQuery: 'Queen' } });
    const key = keys.user(SKILL, USER);
    expect(await store.get(key)).toBe('{"music":{"lastQuery":"Queen"}}');
    await expect(adapter.getAttributes(envelope())).resolves.toEqual({ music: { lastQuery: 'Queen' } });
    await expect(adapter.getAttributes(envelope('amzn1.ask.account.OTHER'))).resolves.toEqual({});
  });

  it('has nothing to read or save for a request without a user', async () => {
    const set = jest.spyOn(store, 'set');
    await expect(adapter.getAttributes(envelope(null))).resolves.toEqual({});
    await adapter.saveAttributes(envelope(null), { a: 1 });
    expect(set).not.toHaveBeenCalled();
  });

  it('reads as empty when the store cannot answer, and then skips that request’s save', async () => {
    const failing = {
      get: () => Promise.reject(new StateStoreUnavailableError('get')),
      set: jest.fn(() => Promise.resolve()),
    } as unknown as StateStore;
    const a = new StatePersistenceAdapter(failing, keys, 60_000);
    const request = envelope();
    await expect(a.getAttributes(request)).resolves.toEqual({});
    await a.saveAttributes(request, { music: { lastQuery: 'Queen' } });
    expect(failing.set).not.toHaveBeenCalled();
    await a.saveAttributes(envelope(), { music: { lastQuery: 'Queen' } });
    expect(failing.set).toHaveBeenCalledTimes(1);
  });

  it('does not fail a save the store cannot take', async () => {
    const failing = {
      set: () => Promise.reject(new StateStoreUnavailableError('set')),
      delete: () => Promise.reject(new StateStoreUnavailableError('delete')),
    } as unknown as StateStore;
    const a = new StatePersistenceAdapter(failing, keys, 60_000);
    await expect(a.saveAttributes(envelope(), { a: 1 })).resolves.toBeUndefined();
    await expect(a.deleteAttributes(envelope())).resolves.toBeUndefined();
  });

  it('reads a stored value that is not a JSON object as empty, logs it and does not overwrite it', async () => {
    const key = keys.user(SKILL, USER);
    await store.set(key, '[1,2', 60_000);
    const request = envelope();
    await expect(adapter.getAttributes(request)).resolves.toEqual({});
    await adapter.saveAttributes(request, { a: 1 });
    expect(await store.get(key)).toBe('[1,2');
    expect(error).toHaveBeenCalledTimes(1);
  });

  it('refuses attributes over 64 KiB', async () => {
    await expect(adapter.saveAttributes(envelope(), { blob: 'x'.repeat(70_000) })).rejects.toBeInstanceOf(
      AttributesTooLargeError,
    );
  });

  it('deletes a user’s attributes', async () => {
    await adapter.saveAttributes(envelope(), { a: 1 });
    await adapter.deleteAttributes(envelope());
    await expect(adapter.getAttributes(envelope())).resolves.toEqual({});
  });
});
