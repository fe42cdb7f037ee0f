import { createHash } from 'node:crypto';

/**
 * A short stable pseudonym of an Alexa user ID for logs (16 hex characters of SHA-256): lines of one user
 * can be correlated without writing the ID itself, which Amazon treats as personal data.
 */
export function hashUserId(userId: string): string {
  return createHash('sha256').update(userId).digest('hex').slice(0, 16);
}
