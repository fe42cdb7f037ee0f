import { verify, type KeyObject } from 'node:crypto';
import { VerificationFailure } from '../verification-failure';

/** An RSA-4096 signature is 684 base64 characters; Amazon's RSA-2048 one is 344. */
const MAX_SIGNATURE_CHARS = 1024;

/**
 * Rule 3: the `Signature-256` header, RSA PKCS#1 v1.5 with SHA-256 over the exact raw body bytes, checked
 * with the leaf's pre-parsed public key. Amazon moved from the SHA-1 `Signature` header to `Signature-256` in
 * 2022 and its SDKs read only the new one, so a request carrying only `Signature` is refused.
 */
export class SignatureVerifier {
  /** Reads the header (cheap, before any download); throws a `signature` {@link VerificationFailure}. */
  decode(signature256: string | string[] | undefined, legacySignature: unknown): Buffer {
    if (signature256 === undefined) {
      throw new VerificationFailure(
        'signature',
        legacySignature === undefined
          ? 'Signature-256 header is missing'
          : 'only the legacy SHA-1 Signature header is present',
      );
    }
    if (typeof signature256 !== 'string' || signature256.length > MAX_SIGNATURE_CHARS) {
      throw new VerificationFailure('signature', 'Signature-256 is not one base64 value');
    }
    const signature = Buffer.from(signature256, 'base64');
    // Buffer.from skips junk silently; only canonical, padded base64 (RFC 4648 §4) encodes back to the header.
    // Cheaper than a regular expression over the 344 characters.
    if (signature.length === 0 || signature.toString('base64') !== signature256) {
      throw new VerificationFailure('signature', 'Signature-256 is not one base64 value');
    }
    return signature;
  }

  /** One RSA verify; throws a `signature` {@link VerificationFailure} when it does not match. */
  verify(rawBody: Buffer, signature: Buffer, publicKey: KeyObject): void {
    let valid = false;
    try {
      valid = verify('sha256', rawBody, publicKey, signature);
    } catch {
      // A key or signature OpenSSL cannot use is a mismatch like any other.
    }
    if (!valid) throw new VerificationFailure('signature', 'signature does not match the body');
  }
}
