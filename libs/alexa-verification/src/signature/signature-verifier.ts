import { verify, type KeyObject } from 'node:crypto';
import { VerificationFailure } from '../verification-failure';

/** An RSA-4096 signature is 684 base64 characters; Amazon's RSA-2048 one is 344. */
const MAX_SIGNATURE_CHARS = 1024;

/** Where the RSA verify runs. */
export type SignatureVerifyMode = 'threadpool' | 'inline';

/**
 * Rule 3: the `Signature-256` header, RSA PKCS#1 v1.5 with SHA-256 over the exact raw body bytes, checked
 * with the leaf's pre-parsed public key. Amazon moved from the SHA-1 `Signature` header to `Signature-256` in
 * 2022 and its SDKs read only the new one, so a request carrying only `Signature` is refused.
 *
 * By default the RSA verify runs on libuv's thread pool (`crypto.verify` with a callback): it is the largest
 * single cost of a request (about 21 µs), and off the event loop it overlaps other requests' work. Measured on
 * 2 cores: +35-40 % requests/s and less CPU per request than the inline verify (docs/performance.md).
 * `'inline'` keeps it on the event loop (single-core pods where the pool only adds hand-offs).
 */
export class SignatureVerifier {
  constructor(private readonly mode: SignatureVerifyMode = 'threadpool') {}

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

  /** One RSA verify; rejects with a `signature` {@link VerificationFailure} when it does not match. */
  verify(rawBody: Buffer, signature: Buffer, publicKey: KeyObject): Promise<void> {
    if (this.mode === 'inline') {
      return verifiedInline(rawBody, signature, publicKey) ? Promise.resolve() : Promise.reject(mismatch());
    }
    return new Promise((resolve, reject) => {
      try {
        verify('sha256', rawBody, publicKey, signature, (error, valid) => {
          // A key or signature OpenSSL cannot use is a mismatch like any other.
          if (error === null && valid) resolve();
          else reject(mismatch());
        });
      } catch {
        // Arguments refused up front throw before any callback.
        reject(mismatch());
      }
    });
  }
}

function verifiedInline(rawBody: Buffer, signature: Buffer, publicKey: KeyObject): boolean {
  try {
    return verify('sha256', rawBody, publicKey, signature);
  } catch {
    return false;
  }
}

function mismatch(): VerificationFailure {
  return new VerificationFailure('signature', 'signature does not match the body');
}
