import { readEnvelope } from '@lib/alexa-protocol';
import { PinnedClock } from '../../../../test/support/signing/pinned-clock';
import type { VerificationFailure } from '../verification-failure';
import { TimestampValidator } from './timestamp-validator';

describe('TimestampValidator', () => {
  const clock = new PinnedClock(new Date('2026-01-10T12:00:00Z'));
  const validator = new TimestampValidator(clock, { toleranceMs: 150_000, skillEventToleranceMs: 3_600_000 });
  const at = (offsetSeconds: number): string => clock.date(offsetSeconds * 1000).toISOString();
  const outcome = (timestamp: unknown, type = 'LaunchRequest'): string => {
    try {
      // Through the envelope reader: a timestamp of another JSON type reaches the validator as absent.
      validator.check(readEnvelope({ request: { type, requestId: 'r', timestamp } }).facts?.timestamp, type);
      return 'accepted';
    } catch (error) {
      return (error as VerificationFailure).check;
    }
  };

  it.each([0, -150, 150, -149.999, 149.999])('accepts a request %s s from now', (offset) => {
    expect(outcome(at(offset))).toBe('accepted');
  });

  it.each([-151, 151, -3600, 86_400])('refuses a request %s s from now', (offset) => {
    expect(outcome(at(offset))).toBe('timestamp');
  });

  it.each([
    'AlexaSkillEvent.SkillEnabled',
    'AlexaSkillEvent.SkillDisabled',
    'AlexaSkillEvent.SkillPermissionAccepted',
    'AlexaSkillEvent.SkillPermissionChanged',
    'AlexaSkillEvent.SkillAccountLinked',
  ])('gives %s one hour, and no more', (type) => {
    expect(outcome(at(-3599), type)).toBe('accepted');
    expect(outcome(at(-3600), type)).toBe('accepted');
    expect(outcome(at(-3601), type)).toBe('timestamp');
    expect(outcome(at(151), type)).toBe('timestamp');
  });

  it('does not extend the tolerance for other request types', () => {
    expect(outcome(at(-600), 'IntentRequest')).toBe('timestamp');
    expect(outcome(at(-600), 'AudioPlayer.PlaybackStarted')).toBe('timestamp');
  });

  it.each([undefined, null, 1736510400000, '', 'yesterday', {}, []])('refuses the timestamp %j', (value) => {
    expect(outcome(value)).toBe('timestamp');
  });

  it('returns the parsed instant', () => {
    expect(validator.check(at(-10), 'LaunchRequest')).toBe(clock.now() - 10_000);
  });
});
