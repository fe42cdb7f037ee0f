import type { RequestEnvelope } from 'ask-sdk-model';

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

/**
 * The access token as it came over the wire: `context.System.user.accessToken`, falling back to
 * `session.user.accessToken` (Amazon puts it in both for a linked user; events carry no session).
 * Tolerates any JSON shape: the envelope is only parsed, not validated, at this point.
 */
export function rawAccessToken(envelope: RequestEnvelope): unknown {
  const fromContext: unknown = envelope.context?.System?.user?.accessToken;
  if (fromContext !== undefined && fromContext !== null) return fromContext;
  return envelope.session?.user?.accessToken;
}

/** True when `token` is 1 to `maxLength` visible ASCII characters. */
export function isWellFormedToken(token: string, maxLength: number): boolean {
  // Length first: a huge string is refused without being scanned.
  return token.length > 0 && token.length <= maxLength && VISIBLE_ASCII.test(token);
}

/** Reads and (per the policy) checks the access token of a request. */
export function readAccessToken(envelope: RequestEnvelope, policy: TokenShapePolicy): TokenReading {
  const raw = rawAccessToken(envelope);
  if (raw === undefined || raw === null) return UNLINKED;
  if (!policy.check) {
    return typeof raw === 'string' && raw.length > 0 ? { status: 'linked', token: raw } : UNLINKED;
  }
  return typeof raw === 'string' && isWellFormedToken(raw, policy.maxLength)
    ? { status: 'linked', token: raw }
    : MALFORMED;
}
