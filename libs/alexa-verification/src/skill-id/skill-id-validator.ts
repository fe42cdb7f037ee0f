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

  /** Returns the request's skill ID (`'unknown'` when it carries none and any is accepted). */
  check(envelope: object): string {
    const applicationId = applicationIdOf(envelope);
    if (this.skillIds.size === 0) return applicationId ?? 'unknown';
    if (applicationId === undefined) throw new VerificationFailure('skill_id', 'request carries no skill ID');
    if (!this.skillIds.has(applicationId))
      throw new VerificationFailure('skill_id', 'skill ID is not accepted');
    return applicationId;
  }
}

type Loose = { readonly [key: string]: Loose } | undefined;

function applicationIdOf(envelope: object): string | undefined {
  const body = envelope as Loose;
  const fromContext: unknown = body?.context?.System?.application?.applicationId;
  if (typeof fromContext === 'string') return fromContext;
  const fromSession: unknown = body?.session?.application?.applicationId;
  return typeof fromSession === 'string' ? fromSession : undefined;
}
