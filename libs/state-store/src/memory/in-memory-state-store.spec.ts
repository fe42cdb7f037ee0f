import { InMemoryStateStore } from './in-memory-state-store';

describe('InMemoryStateStore', () => {
  let now: number;
  const clock = { now: () => now };
  const store = (maxClaims = 100, maxValues = 100) => new InMemoryStateStore({ maxClaims, maxValues }, clock);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('claims a key once until it expires', async () => {
    const s = store();
    await expect(s.claim('k', 1000)).resolves.toBe(true);
    await expect(s.claim('k', 1000)).resolves.toBe(false);
    now += 1001;
    await expect(s.claim('k', 1000)).resolves.toBe(true);
  });

  it('extends a claim and gives it up on release', async () => {
    const s = store();
    await s.claim('k', 1000);
    await s.extend('k', 60_000);
    now += 5000;
    await expect(s.claim('k', 1000)).resolves.toBe(false);
    await s.release('k');
    await expect(s.claim('k', 1000)).resolves.toBe(true);
  });

  it('stores values with a time to live', async () => {
    const s = store();
    await s.set('v', '{"a":1}', 1000);
    await expect(s.get('v')).resolves.toBe('{"a":1}');
    now += 1001;
    await expect(s.get('v')).resolves.toBeUndefined();
    await s.set('v', 'x', 1000);
    await s.delete('v');
    await expect(s.get('v')).resolves.toBeUndefined();
  });

  it('stays bounded, forgetting the least recently used first, and keeps claims apart from values', async () => {
    const s = store(3, 2);
    await s.set('value', 'kept', 60_000);
    for (const key of ['a', 'b', 'c', 'd']) await s.claim(key, 60_000);
    expect(s.claimCount).toBe(3);
    await expect(s.claim('a', 60_000)).resolves.toBe(true);
    await expect(s.claim('d', 60_000)).resolves.toBe(false);
    await expect(s.get('value')).resolves.toBe('kept');
  });
});
