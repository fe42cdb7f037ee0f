/**
 * The named checks a request can fail; each is a label value of `alexa_verification_failures_total{check}`.
 * Bounded on purpose: nothing from the wire ever becomes a label.
 */
export const VERIFICATION_CHECKS = [
  'malformed',
  'cert_url',
  'cert_fetch',
  'cert_chain',
  'cert_san',
  'cert_expired',
  'signature',
  'timestamp',
  'skill_id',
  'replay',
] as const;

export type VerificationCheck = (typeof VERIFICATION_CHECKS)[number];

/**
 * A request failed one named check. `reason` is a fixed phrase written in this library (never text from the
 * request), safe to log; neither ever reaches the caller, who only sees a fixed 400 answer.
 */
export class VerificationFailure extends Error {
  override readonly name = 'VerificationFailure';

  constructor(
    readonly check: VerificationCheck,
    readonly reason: string,
  ) {
    super(`${check}: ${reason}`);
  }
}
