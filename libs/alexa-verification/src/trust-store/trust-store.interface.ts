import type { X509Certificate } from 'node:crypto';

/** The certificates a signing chain must reach. Matching is by subject and public key, never by name alone. */
export interface TrustStore {
  /** Whether `certificate` is a trust anchor: a trusted certificate has its subject and public key. */
  isTrusted(certificate: X509Certificate): boolean;
  /** Whether a trust anchor issued `certificate` (names match and the anchor's key verifies its signature). */
  isIssuedByTrusted(certificate: X509Certificate): boolean;
}
