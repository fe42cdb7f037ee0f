import { VerificationFailure } from '../verification-failure';

/**
 * Rule 5, after the signature: the application ID in the request
 * (`context.System.application.applicationId`, else `session.application.applicationId`) is one of the
 * configured skill IDs (`ALEXA_SKILL_ID`, comma-separated). With none configured every ID passes, which
 * start-up refuses in production.
 */
export class SkillIdValidator {
  private readonly skillIds: ReadonlySet<string>;

  constructor(skillIds: Iterable<string>) {
    this.skillIds = new Set(skillIds);
  }

  /**
   * `applicationId`: the envelope's skill ID fact. Returns the request's skill ID (`'unknown'` when it carries
   * none and any is accepted).
   */
  check(applicationId: string | undefined): string {
    if (this.skillIds.size === 0) return applicationId ?? 'unknown';
    if (applicationId === undefined) throw new VerificationFailure('skill_id', 'request carries no skill ID');
    if (!this.skillIds.has(applicationId))
      throw new VerificationFailure('skill_id', 'skill ID is not accepted');
    return applicationId;
  }
}
