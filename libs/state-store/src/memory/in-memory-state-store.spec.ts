import { InMemoryStateStore } from './in-memory-state-store';
import { ClaimRing } from './claim-ring';

describe('InMemoryStateStore', () => {
  let now: number;
  const clock = { now: () => now };
  const store = (maxClaims = 100, maxValues = 100) => new InMemoryStateStore({ maxClaims, maxValues }, clock);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('claims a key once until it expires', () => {
    const s = store();
    expect(s.claim('k', 1000)).toBe(true);
    expect(s.claim('k', 1000)).toBe(false);
    now += 1001;
    expect(s.claim('k', 1000)).toBe(true);
  });

  it('extends a claim and gives it up on release', async () => {
    const s = store();
    s.claim('k', 1000);
    await s.extend('k', 60_000);
    now += 5000;
    expect(s.claim('k', 1000)).toBe(false);
    await s.release('k');
    expect(s.claim('k', 1000)).toBe(true);
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
    for (const key of ['a', 'b', 'c', 'd']) s.claim(key, 60_000);
    expect(s.claimCount).toBe(3);
    expect(s.claim('a', 60_000)).toBe(true);
    expect(s.claim('d', 60_000)).toBe(false);
    await expect(s.get('value')).resolves.toBe('kept');
  });
});

describe('ClaimRing', () => {
  it('forgets the oldest claim first, and a claim made again lives in its old slot', () => {
    let now = 1000;
    const ring = new ClaimRing(2, { now: () => now });
    ring.put('a', 1000);
    ring.put('b', 1000);
    ring.put('a', 5000);
    ring.put('c', 1000); // reuses the slot of 'a'
    expect([ring.holds('a'), ring.holds('b'), ring.holds('c')]).toEqual([false, true, true]);
    now += 1001;
    expect(ring.holds('b')).toBe(false);
    ring.drop('c');
    expect(ring.holds('c')).toBe(false);
    expect(ring.size).toBe(2);
  });
});
