// Signs an Alexa request the way Amazon does (custom skills hosted as web services):
// `Signature-256` is the base64 RSA PKCS#1 v1.5 SHA-256 signature of the exact body bytes, and
// `SignatureCertChainUrl` names the certificate chain that holds the signing key.
// https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html
//
// Erasable TypeScript, run directly by Node 24 and imported by Jest tests.
import { sign, type KeyObject } from 'node:crypto';

export interface SigningIdentity {
  /** The leaf's private key: a KeyObject or PEM text. */
  readonly privateKey: KeyObject | string;
  /** Where the chain is served, in Amazon's form: `https://s3.amazonaws.com/echo.api/<file>.pem`. */
  readonly certUrl: string;
}

/** Exactly the two headers Amazon adds to each request. */
export interface AlexaSignatureHeaders {
  SignatureCertChainUrl: string;
  'Signature-256': string;
}

/**
 * Signs the raw body. Send exactly these bytes: a string is signed as its UTF-8 encoding, so re-serialising
 * the JSON after signing breaks the signature, just as it would for Amazon's requests.
 */
export function signRequest(rawBody: string | Buffer, identity: SigningIdentity): AlexaSignatureHeaders {
  const bytes = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return {
    SignatureCertChainUrl: identity.certUrl,
    'Signature-256': sign('sha256', bytes, identity.privateKey).toString('base64'),
  };
}
