import { createHash, createHmac } from 'node:crypto';

/** Amazon's skill and request IDs (`amzn1.ask.skill.…`, `amzn1.echo-api.request.…`) pass as they are. */
const PLAIN_PART = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The one key scheme of the shared state, `alexa:<skill ID>:<kind>:<id>`: namespaced by skill, so skills may
 * share a Redis (and an ACL may grant `~alexa:*`). A user appears only as an HMAC-SHA-256 of the user ID under
 * `STATE_KEY_SECRET`: a key never carries a raw user ID, and without the secret a key cannot be tied to a user.
 * Any other part that is not a plain ID (too long, unexpected characters) is replaced by its SHA-256.
 */
export class StateKeys {
  private readonly secret: string;
  /** A pod serves one skill (or a few): its ID is checked once, not per request. */
  private lastSkillId = '';
  private lastSkillPart = '';

  constructor(secret: string) {
    if (secret.length === 0) throw new Error('state key secret must not be empty');
    this.secret = secret;
  }

  /** Replay protection: a request ID accepted by one of the pods. */
  request(skillId: string, requestId: string): string {
    return `alexa:${this.skill(skillId)}:request:${plain(requestId)}`;
  }

  /** Skill-event dedupe: an event in hand or handled. */
  event(skillId: string, requestId: string): string {
    return `alexa:${this.skill(skillId)}:event:${plain(requestId)}`;
  }

  /** Per-user persistent attributes. */
  user(skillId: string, userId: string): string {
    return `alexa:${this.skill(skillId)}:user:${this.pseudonym(userId)}`;
  }

  private skill(skillId: string): string {
    if (skillId !== this.lastSkillId) {
      this.lastSkillPart = plain(skillId);
      this.lastSkillId = skillId;
    }
    return this.lastSkillPart;
  }

  private pseudonym(userId: string): string {
    return createHmac('sha256', this.secret).update(userId).digest('base64url');
  }
}

function plain(part: string): string {
  return PLAIN_PART.test(part) ? part : `~${createHash('sha256').update(part).digest('base64url')}`;
}
