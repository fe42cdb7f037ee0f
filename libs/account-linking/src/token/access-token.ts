import type { AccessTokenFact } from '@lib/alexa-protocol';

/** What the guard found: a usable token, none, or one that fails the shape check. */
export type TokenStatus = 'linked' | 'unlinked' | 'malformed';

export type TokenReading =
  | { readonly status: 'linked'; readonly token: string }
  | { readonly status: 'unlinked' | 'malformed'; readonly token: undefined };

/** How strictly a token is checked before use (from the module options). */
export interface TokenShapePolicy {
  /** Check the shape at all. */
  readonly check: boolean;
  /** Longest accepted token, in characters. */
  readonly maxLength: number;
}

// Visible ASCII only (RFC 9110 field-vchar without obs-text): the token goes into an `Authorization` header,
// where whitespace and control characters would split or corrupt it. Looser than RFC 6750's b64token on
// purpose: real providers issue tokens with other visible characters (Login with Amazon: `Atza|...`).
const VISIBLE_ASCII = /^[\x21-\x7E]+$/;

const UNLINKED: TokenReading = Object.freeze({ status: 'unlinked', token: undefined });
const MALFORMED: TokenReading = Object.freeze({ status: 'malformed', token: undefined });

/** True when `token` is 1 to `maxLength` visible ASCII characters. */
export function isWellFormedToken(token: string, maxLength: number): boolean {
  // Length first: a huge string is refused without being scanned.
  return token.length > 0 && token.length <= maxLength && VISIBLE_ASCII.test(token);
}

/**
 * Checks (per the policy) the access token the envelope carries (`EnvelopeFacts.accessToken`). A token field
 * that holds no string is malformed under the shape check, missing without it.
 */
export function readAccessToken(fact: AccessTokenFact | undefined, policy: TokenShapePolicy): TokenReading {
  if (fact === undefined) return UNLINKED;
  const { token } = fact;
  if (!policy.check) {
    return token !== undefined && token.length > 0 ? { status: 'linked', token } : UNLINKED;
  }
  return token !== undefined && isWellFormedToken(token, policy.maxLength)
    ? { status: 'linked', token }
    : MALFORMED;
}
