import { PinnedClock } from '../../../../test/support/signing/pinned-clock';
import { InMemoryReplayStore } from './in-memory-replay-store';
import { ReplayProtector } from './replay-protector';
import { isAlexaRedelivery, markAlexaRedelivery } from './alexa-redelivery';

describe('ReplayProtector with the in-memory store', () => {
  const clock = new PinnedClock(1_000_000);
  const until = 1_150_000;

  it('accepts a request ID once and refuses it again inside the window', async () => {
    const protector = new ReplayProtector(new InMemoryReplayStore(100, clock));
    await expect(protector.check('r1', 'LaunchRequest', until)).resolves.toBe('first');
    await expect(protector.check('r1', 'LaunchRequest', until)).rejects.toMatchObject({ check: 'replay' });
    await expect(protector.check('r1', 'IntentRequest', until)).rejects.toMatchObject({ check: 'replay' });
    await expect(protector.check('r2', 'SessionEndedRequest', until)).resolves.toBe('first');
  });

  it('marks a repeated skill event as a redelivery instead of refusing it', async () => {
    const protector = new ReplayProtector(new InMemoryReplayStore(100, clock));
    const type = 'AlexaSkillEvent.SkillAccountLinked';
    await expect(protector.check('e1', type, until)).resolves.toBe('first');
    await expect(protector.check('e1', type, until)).resolves.toBe('redelivery');
    await expect(protector.check('e1', type, until)).resolves.toBe('redelivery');
  });

  it('forgets a request ID once its window has passed', async () => {
    const local = new PinnedClock(1_000_000);
    const protector = new ReplayProtector(new InMemoryReplayStore(100, local));
    await protector.check('r1', 'LaunchRequest', until);
    local.set(until + 1);
    await expect(protector.check('r1', 'LaunchRequest', until + 150_000)).resolves.toBe('first');
  });

  it('keeps the store bounded, forgetting the oldest IDs first', () => {
    const store = new InMemoryReplayStore(3, clock);
    for (const id of ['a', 'b', 'c', 'd']) expect(store.remember(id, until)).toBe(true);
    expect(store.size).toBe(3);
    expect(store.remember('d', until)).toBe(false);
    expect(store.remember('a', until)).toBe(true);
  });

  it('works with an asynchronous (shared) store', async () => {
    const seen = new Set<string>();
    const protector = new ReplayProtector({
      remember: (id) => Promise.resolve(!seen.has(id) && Boolean(seen.add(id))),
    });
    await expect(protector.check('r1', 'LaunchRequest', until)).resolves.toBe('first');
    await expect(protector.check('r1', 'LaunchRequest', until)).rejects.toMatchObject({ check: 'replay' });
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
