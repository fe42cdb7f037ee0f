import { readEnvelope } from '@lib/alexa-protocol';
import type { VerificationFailure } from '../verification-failure';
import { SkillIdValidator } from './skill-id-validator';

const SKILL = 'amzn1.ask.skill.11111111-1111-4111-8111-111111111111';
const OTHER = 'amzn1.ask.skill.22222222-2222-4222-8222-222222222222';

const envelope = (context?: string, session?: string): object => ({
  ...(context !== undefined && { context: { System: { application: { applicationId: context } } } }),
  ...(session !== undefined && { session: { application: { applicationId: session } } }),
  request: { type: 'LaunchRequest', requestId: 'r' },
});

describe('SkillIdValidator', () => {
  const validator = new SkillIdValidator([SKILL, OTHER]);
  const outcome = (body: object, v = validator): string => {
    try {
      v.check(readEnvelope(body).facts?.skillId);
      return 'accepted';
    } catch (error) {
      return `${(error as VerificationFailure).check}: ${(error as VerificationFailure).reason}`;
    }
  };

  it('accepts any configured ID from context.System.application', () => {
    expect(outcome(envelope(SKILL))).toBe('accepted');
    expect(outcome(envelope(OTHER))).toBe('accepted');
  });

  it('falls back to session.application when the context has none', () => {
    expect(outcome(envelope(undefined, SKILL))).toBe('accepted');
  });

  it('reads the context first', () => {
    expect(outcome(envelope('amzn1.ask.skill.evil', SKILL))).toBe('skill_id: skill ID is not accepted');
  });

  it('refuses a wrong skill ID', () => {
    expect(outcome(envelope('amzn1.ask.skill.evil'))).toBe('skill_id: skill ID is not accepted');
  });

  it('refuses a request without a skill ID', () => {
    expect(outcome(envelope())).toBe('skill_id: request carries no skill ID');
    expect(outcome({ context: 'System', session: 7, request: {} })).toBe(
      'skill_id: request carries no skill ID',
    );
    expect(outcome({ context: { System: { application: { applicationId: 42 } } } })).toBe(
      'skill_id: request carries no skill ID',
    );
  });

  it('accepts every ID when none is configured (development; refused in production at start-up)', () => {
    expect(outcome(envelope('anything'), new SkillIdValidator([]))).toBe('accepted');
  });
});
