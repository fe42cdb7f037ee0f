import { VerificationFailure } from '../verification-failure';

// Amazon's rules for `SignatureCertChainUrl`:
// https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html#cert-verify-signature-certificate-url
const HOST = 's3.amazonaws.com';
const PATH_PREFIX = '/echo.api/';
/** Far longer than any URL Amazon sends; refuses absurd headers before parsing them. */
const MAX_URL_LENGTH = 2048;
/** Printable ASCII only: no spaces, control characters or raw non-ASCII in the header. */
const NOT_PRINTABLE_ASCII = /[^\x21-\x7e]/;
const PERCENT_ESCAPE = /%([0-9A-Fa-f]{2})/g;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * RFC 3986 §6.2.2: percent-encoded unreserved characters (ALPHA, DIGIT, `-`, `.`, `_`, `~`) are decoded,
 * every other escape keeps its meaning with upper-case hex digits. Nothing is decoded twice.
 */
function normaliseEscapes(path: string): string {
  if (!path.includes('%')) return path;
  return path.replace(PERCENT_ESCAPE, (_escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/**
 * Rule 1: the certificate URL. The URL is normalised first (WHATWG parsing lower-cases scheme and host,
 * drops the default port and resolves `.`/`..` segments, also percent-encoded ones; then unreserved escapes
 * are decoded) and the rules are checked on the result: scheme `https`, host `s3.amazonaws.com`, no user info,
 * port absent or 443, path starting with `/echo.api/` (case-sensitive). The normalised URL is returned and is
 * the one downloaded, so what was checked is what is fetched.
 */
export class CertificateUrlPolicy {
  // Amazon uses one certificate URL for months: remembering the last answer spares a parse per request.
  private lastHeader: string | undefined;
  private lastUrl = '';

  /** Returns the normalised URL to download, or throws a `cert_url` {@link VerificationFailure}. */
  normalise(header: string): string {
    if (header === this.lastHeader) return this.lastUrl;
    const url = this.check(header);
    this.lastHeader = header;
    this.lastUrl = url;
    return url;
  }

  private check(header: string): string {
    if (header.length === 0 || header.length > MAX_URL_LENGTH || NOT_PRINTABLE_ASCII.test(header)) {
      throw new VerificationFailure('cert_url', 'not a printable URL of sensible length');
    }
    let url: URL;
    try {
      url = new URL(header);
    } catch {
      throw new VerificationFailure('cert_url', 'not a URL');
    }
    if (url.protocol !== 'https:') throw new VerificationFailure('cert_url', 'scheme is not https');
    if (url.hostname !== HOST) throw new VerificationFailure('cert_url', 'host is not s3.amazonaws.com');
    // WHATWG parsing already dropped the default port 443.
    if (url.port !== '') throw new VerificationFailure('cert_url', 'port is not 443');
    if (url.username !== '' || url.password !== '') {
      throw new VerificationFailure('cert_url', 'user info is not allowed');
    }
    const path = normaliseEscapes(url.pathname);
    if (!path.startsWith(PATH_PREFIX) || path.length === PATH_PREFIX.length) {
      throw new VerificationFailure('cert_url', 'path is not under /echo.api/');
    }
    // The fragment never reaches the server; the query is kept as Amazon's rules say nothing about it.
    return `https://${HOST}${path}${url.search}`;
  }
}
