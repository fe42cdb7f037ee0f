import { InMemoryStateStore, StateKeys, type StateStore } from '@lib/state-store';
import { PinnedClock } from '../../../../test/support/signing/pinned-clock';
import { REPLAY_CLOCK_MARGIN_MS, ReplayProtector } from './replay-protector';

const SKILL = 'amzn1.ask.skill.test';
/** The protector answers synchronously or not; as a promise either way. */
const checked = (p: ReplayProtector, ...args: Parameters<ReplayProtector['check']>) =>
  Promise.resolve().then(() => p.check(...args));
const keys = new StateKeys('test-secret');

describe('ReplayProtector', () => {
  const clock = new PinnedClock(1_000_000);
  const until = 1_150_000;
  const protector = (store: StateStore = new InMemoryStateStore({ maxClaims: 100, maxValues: 1 })) =>
    new ReplayProtector(store, keys, clock);

  it('accepts a request ID once and refuses it again, whatever the request type', async () => {
    const p = protector();
    await expect(checked(p, SKILL, 'r1', 'LaunchRequest', until)).resolves.toBeUndefined();
    await expect(checked(p, SKILL, 'r1', 'LaunchRequest', until)).rejects.toMatchObject({ check: 'replay' });
    await expect(checked(p, SKILL, 'r1', 'IntentRequest', until)).rejects.toMatchObject({ check: 'replay' });
    await expect(checked(p, SKILL, 'r2', 'SessionEndedRequest', until)).resolves.toBeUndefined();
  });

  it('keeps request IDs of two skills apart', async () => {
    const p = protector();
    await p.check(SKILL, 'r1', 'LaunchRequest', until);
    await expect(checked(p, 'amzn1.ask.skill.other', 'r1', 'LaunchRequest', until)).resolves.toBeUndefined();
  });

  it('leaves skill events to the skill core, which acknowledges redeliveries', async () => {
    const claim = jest.fn();
    const p = protector({ claim } as unknown as StateStore);
    const type = 'AlexaSkillEvent.SkillAccountLinked';
    await expect(checked(p, SKILL, 'e1', type, until)).resolves.toBeUndefined();
    await expect(checked(p, SKILL, 'e1', type, until)).resolves.toBeUndefined();
    expect(claim).not.toHaveBeenCalled();
  });

  it('claims the ID under the skill-namespaced key until the timestamp stops passing, plus a clock margin', async () => {
    const claim = jest.fn(() => Promise.resolve(true));
    await protector({ claim } as unknown as StateStore).check(SKILL, 'r9', 'LaunchRequest', until);
    expect(claim).toHaveBeenCalledWith(
      `alexa:${SKILL}:request:r9`,
      until - clock.now() + REPLAY_CLOCK_MARGIN_MS,
    );
  });

  it('answers synchronously with the in-memory store, so the hot path makes no promise', () => {
    const p = protector();
    expect(p.check(SKILL, 'sync', 'LaunchRequest', until)).toBeUndefined();
    expect(() => p.check(SKILL, 'sync', 'LaunchRequest', until)).toThrow('request ID was already accepted');
  });

  it('forgets a request ID once its window has passed', async () => {
    let now = 1000; // lru-cache reads a start time of 0 as "no expiry"
    const local = new PinnedClock(1_000_000);
    const store = new InMemoryStateStore({ maxClaims: 100, maxValues: 1 }, { now: () => now });
    const p = new ReplayProtector(store, keys, local);
    await p.check(SKILL, 'r1', 'LaunchRequest', until);
    now += until - local.now() + REPLAY_CLOCK_MARGIN_MS + 1;
    local.set(until + REPLAY_CLOCK_MARGIN_MS + 1);
    await expect(checked(p, SKILL, 'r1', 'LaunchRequest', until + 150_000)).resolves.toBeUndefined();
  });
});
