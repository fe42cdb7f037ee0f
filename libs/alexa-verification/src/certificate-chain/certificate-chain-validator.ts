import type { X509Certificate } from 'node:crypto';
import type { Clock } from '../clock/clock.interface';
import type { TrustStore } from '../trust-store/trust-store.interface';
import { VerificationFailure } from '../verification-failure';
import { parsePemChain } from './parse-pem-chain';
import type { SigningCertificate } from './signing-certificate';

/** Amazon: the signing certificate's Subject Alternative Names must contain this domain. */
const ECHO_API_SAN = 'DNS:echo-api.amazon.com';

/**
 * Rule 2: the certificate chain, with Node's `crypto.X509Certificate` only.
 * - the leaf (first certificate) is valid now, and so is every certificate up to the trust anchor;
 * - its Subject Alternative Names contain exactly `echo-api.amazon.com`;
 * - its key is RSA (Amazon signs with RSA-SHA256);
 * - a path is built from the leaf through the supplied certificates, each the issuer of the one before (names
 *   match, its key verifies the signature, basicConstraints `CA:TRUE`), and stops at the FIRST certificate
 *   that a trust anchor matches by subject and public key, or whose issuer is a trust anchor. Amazon's
 *   chain is cross-signed and its last certificate is no longer trusted, so the chain is not walked to its end.
 * RSA and ECDSA issuers both verify: `X509Certificate.verify` takes either key type.
 */
export class CertificateChainValidator {
  private readonly trustStore: TrustStore;
  private readonly clock: Clock;

  constructor(trustStore: TrustStore, clock: Clock) {
    this.trustStore = trustStore;
    this.clock = clock;
  }

  /** Validates a PEM chain once, before it is cached; throws a `cert_*` {@link VerificationFailure}. */
  validate(pem: string): SigningCertificate {
    const certificates = parsePemChain(pem);
    if (!certificates) throw new VerificationFailure('cert_chain', 'not a PEM certificate chain');
    const [leaf, ...supplied] = certificates;
    const signing: SigningCertificate = {
      publicKey: leaf.publicKey,
      validFrom: leaf.validFromDate.getTime(),
      validTo: leaf.validToDate.getTime(),
    };
    assertCurrentlyValid(signing, this.clock.now());
    if (!hasEchoApiSan(leaf)) {
      throw new VerificationFailure('cert_san', 'echo-api.amazon.com is not a subject alternative name');
    }
    if (leaf.publicKey.asymmetricKeyType !== 'rsa') {
      throw new VerificationFailure('cert_chain', 'signing key is not RSA');
    }
    const path = this.buildPath(leaf, supplied);
    const validated: SigningCertificate = {
      publicKey: leaf.publicKey,
      validFrom: Math.max(...path.map((c) => c.validFromDate.getTime())),
      validTo: Math.min(...path.map((c) => c.validToDate.getTime())),
    };
    assertCurrentlyValid(validated, this.clock.now(), 'a certificate of the chain');
    return validated;
  }

  /** The certificates from the leaf up to, not including, the trust anchor. */
  private buildPath(leaf: X509Certificate, supplied: X509Certificate[]): X509Certificate[] {
    const path = [leaf];
    const remaining = [...supplied];
    let current = leaf;
    for (;;) {
      const index = remaining.findIndex((candidate) => isIssuer(candidate, current));
      if (index === -1) {
        // The supplied chain may end below a root that only the trust store holds.
        if (this.trustStore.isIssuedByTrusted(current)) return path;
        throw new VerificationFailure('cert_chain', 'chain does not reach a trusted certificate');
      }
      const [issuer] = remaining.splice(index, 1);
      if (!issuer.ca) throw new VerificationFailure('cert_chain', 'an issuer is not a CA');
      if (this.trustStore.isTrusted(issuer)) return path;
      path.push(issuer);
      current = issuer;
    }
  }
}

/** Checked at validation and again on every use of a cached certificate. */
export function assertCurrentlyValid(
  certificate: SigningCertificate,
  now: number,
  what = 'the signing certificate',
): void {
  if (now < certificate.validFrom) throw new VerificationFailure('cert_expired', `${what} is not yet valid`);
  if (now > certificate.validTo) throw new VerificationFailure('cert_expired', `${what} has expired`);
}

function isIssuer(candidate: X509Certificate, certificate: X509Certificate): boolean {
  return certificate.checkIssued(candidate) && certificate.verify(candidate.publicKey);
}

/**
 * Node lists SANs as `DNS:a, DNS:b` and quotes any name holding a comma or other special character
 * (CVE-2021-44532), so splitting on `, ` cannot be fooled into a false match.
 */
function hasEchoApiSan(certificate: X509Certificate): boolean {
  const names = certificate.subjectAltName;
  return names !== undefined && names.split(', ').includes(ECHO_API_SAN);
}
