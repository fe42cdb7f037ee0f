import { PinnedClock } from '../../../../test/support/signing/pinned-clock';
import { InMemoryReplayStore } from './in-memory-replay-store';
import { ReplayProtector } from './replay-protector';
import { isAlexaRedelivery, markAlexaRedelivery } from './alexa-redelivery';

/** The protector answers synchronously or not; as a promise either way. */
const checked = (protector: ReplayProtector, id: string, type: string, until: number) =>
  Promise.resolve().then(() => protector.check(id, type, until));

describe('ReplayProtector with the in-memory store', () => {
  const clock = new PinnedClock(1_000_000);
  const until = 1_150_000;

  it('accepts a request ID once and refuses it again inside the window', async () => {
    const protector = new ReplayProtector(new InMemoryReplayStore(100, clock));
    await expect(checked(protector, 'r1', 'LaunchRequest', until)).resolves.toBe('first');
    await expect(checked(protector, 'r1', 'LaunchRequest', until)).rejects.toMatchObject({ check: 'replay' });
    await expect(checked(protector, 'r1', 'IntentRequest', until)).rejects.toMatchObject({ check: 'replay' });
    await expect(checked(protector, 'r2', 'SessionEndedRequest', until)).resolves.toBe('first');
  });

  it('marks a repeated skill event as a redelivery instead of refusing it', async () => {
    const protector = new ReplayProtector(new InMemoryReplayStore(100, clock));
    const type = 'AlexaSkillEvent.SkillAccountLinked';
    await expect(checked(protector, 'e1', type, until)).resolves.toBe('first');
    await expect(checked(protector, 'e1', type, until)).resolves.toBe('redelivery');
    await expect(checked(protector, 'e1', type, until)).resolves.toBe('redelivery');
  });

  it('forgets a request ID once its window has passed', async () => {
    const local = new PinnedClock(1_000_000);
    const protector = new ReplayProtector(new InMemoryReplayStore(100, local));
    await checked(protector, 'r1', 'LaunchRequest', until);
    local.set(until + 1);
    await expect(checked(protector, 'r1', 'LaunchRequest', until + 150_000)).resolves.toBe('first');
  });

  it('keeps the store bounded, forgetting the oldest IDs first', () => {
    const store = new InMemoryReplayStore(3, clock);
    for (const id of ['a', 'b', 'c', 'd']) expect(store.remember(id, until)).toBe(true);
    expect(store.size).toBe(3);
    expect(store.remember('d', until)).toBe(false);
    expect(store.remember('a', until)).toBe(true);
  });

  it('remembers an ID again after it expired, and keeps it when its old slot is reused', () => {
    const local = new PinnedClock(1_000_000);
    const store = new InMemoryReplayStore(2, local);
    expect(store.remember('a', 1_100_000)).toBe(true);
    local.set(1_100_001);
    expect(store.remember('a', 1_300_000)).toBe(true); // slot 1
    expect(store.remember('b', 1_300_000)).toBe(true); // reuses slot 0, which held the old 'a'
    expect(store.remember('a', 1_300_000)).toBe(false);
    expect(store.size).toBe(2);
  });

  it('answers synchronously with a synchronous store', () => {
    const protector = new ReplayProtector(new InMemoryReplayStore(100, clock));
    expect(protector.check('sync', 'LaunchRequest', until)).toBe('first');
    expect(() => protector.check('sync', 'LaunchRequest', until)).toThrow('request ID was already accepted');
  });

  it('works with an asynchronous (shared) store', async () => {
    const seen = new Set<string>();
    const protector = new ReplayProtector({
      remember: (id) => Promise.resolve(!seen.has(id) && Boolean(seen.add(id))),
    });
    await expect(checked(protector, 'r1', 'LaunchRequest', until)).resolves.toBe('first');
    await expect(checked(protector, 'r1', 'LaunchRequest', until)).rejects.toMatchObject({ check: 'replay' });
  });
});

describe('the redelivery mark', () => {
  it('is absent until the guard sets it', () => {
    const request = {};
    expect(isAlexaRedelivery(request)).toBe(false);
    markAlexaRedelivery(request);
    expect(isAlexaRedelivery(request)).toBe(true);
    expect(Object.keys(request)).toEqual([]);
  });
});
