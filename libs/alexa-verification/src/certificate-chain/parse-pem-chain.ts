import { X509Certificate } from 'node:crypto';

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';
/** Amazon's chain has four certificates; anything beyond this is not a signing chain. */
const MAX_CERTIFICATES = 10;

/**
 * Splits a PEM bundle into certificates parsed by Node's own X.509 code (OpenSSL). Returns `undefined` when the
 * text holds no certificate, an unterminated block, a block Node cannot parse, or too many blocks.
 */
export function parsePemChain(pem: string): X509Certificate[] | undefined {
  const certificates: X509Certificate[] = [];
  let from = pem.indexOf(BEGIN);
  while (from !== -1) {
    const end = pem.indexOf(END, from);
    if (end === -1 || certificates.length === MAX_CERTIFICATES) return undefined;
    try {
      certificates.push(new X509Certificate(pem.slice(from, end + END.length)));
    } catch {
      return undefined;
    }
    from = pem.indexOf(BEGIN, end);
  }
  return certificates.length > 0 ? certificates : undefined;
}
