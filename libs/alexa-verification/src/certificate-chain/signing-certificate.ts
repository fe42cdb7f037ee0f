import type { KeyObject } from 'node:crypto';

/** A certificate chain that passed validation, reduced to what each request needs. */
export interface SigningCertificate {
  /** The leaf's RSA public key, parsed once, for the per-request signature check. */
  readonly publicKey: KeyObject;
  /** Latest `notBefore` along the validated path, in epoch milliseconds. */
  readonly validFrom: number;
  /** Earliest `notAfter` along the validated path, in epoch milliseconds. */
  readonly validTo: number;
}
