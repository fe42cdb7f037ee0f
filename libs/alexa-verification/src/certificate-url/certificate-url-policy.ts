import { VerificationFailure } from '../verification-failure';

// Amazon's rules for `SignatureCertChainUrl`:
// https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html#cert-verify-signature-certificate-url
const HOST = 's3.amazonaws.com';
const PATH_PREFIX = '/echo.api/';
/** Far longer than any URL Amazon sends; refuses absurd headers before parsing them. */
const MAX_URL_LENGTH = 2048;
/** Printable ASCII only: no spaces, control characters or raw non-ASCII in the header. */
const NOT_PRINTABLE_ASCII = /[^\x21-\x7e]/;
const QUERY_OR_FRAGMENT = /[?#]/;
const PERCENT_ESCAPE = /%([0-9A-Fa-f]{2})/g;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/** What S3 decodes when it reads an object key from a path: escapes, and `+` as a space. */
const S3_KEY_ENCODING = /\+|%([0-9A-F]{2})/g;

/** Where a signing certificate chain lives. */
export interface CertificateLocation {
  /** The normalised URL: what was checked and what is downloaded. */
  readonly url: string;
  /**
   * The S3 object the URL names (its path as S3 decodes it), so URLs that differ only in encoding share one
   * cache entry and one download. An identifier only: never downloaded, never logged.
   */
  readonly key: string;
}

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
 * The object key S3 reads from a normalised path: every escape decoded once (`%2F` and `/`, `%21` and `!` name
 * one object) and `+` read as a space, as S3 does in paths. Bytes above 0x7F stay single characters, so two
 * keys are equal exactly when S3 would fetch the same object.
 */
function s3ObjectKey(path: string): string {
  if (!path.includes('%') && !path.includes('+')) return path;
  return path.replace(S3_KEY_ENCODING, (_match, hex: string | undefined) =>
    hex === undefined ? ' ' : String.fromCharCode(parseInt(hex, 16)),
  );
}

/**
 * Rule 1: the certificate URL. The URL is normalised first (WHATWG parsing lower-cases scheme and host,
 * drops the default port and resolves `.`/`..` segments, also percent-encoded ones; then unreserved escapes
 * are decoded) and the rules are checked on the result: scheme `https`, host `s3.amazonaws.com`, no user info,
 * port absent or 443, no query string or fragment, path starting with `/echo.api/` (case-sensitive). The
 * normalised URL is returned and is the one downloaded, so what was checked is what is fetched.
 */
export class CertificateUrlPolicy {
  // Amazon uses one certificate URL for months: remembering the last answer spares a parse per request.
  private lastHeader: string | undefined;
  private lastLocation: CertificateLocation = { url: '', key: '' };

  /** The normalised URL to download and the object it names, or throws a `cert_url` {@link VerificationFailure}. */
  locate(header: string): CertificateLocation {
    if (header === this.lastHeader) return this.lastLocation;
    const location = this.check(header);
    this.lastHeader = header;
    this.lastLocation = location;
    return location;
  }

  private check(header: string): CertificateLocation {
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
    // Amazon never sends either; allowed, every query would name the same S3 object under a new URL. The raw
    // header is tested because WHATWG parsing drops an empty `?` or `#`.
    if (QUERY_OR_FRAGMENT.test(header)) {
      throw new VerificationFailure('cert_url', 'query string or fragment is not allowed');
    }
    const path = normaliseEscapes(url.pathname);
    if (!path.startsWith(PATH_PREFIX) || path.length === PATH_PREFIX.length) {
      throw new VerificationFailure('cert_url', 'path is not under /echo.api/');
    }
    return { url: `https://${HOST}${path}`, key: s3ObjectKey(path) };
  }
}
