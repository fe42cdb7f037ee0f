import { VerificationFailure } from '../verification-failure';
import { CertificateUrlPolicy } from './certificate-url-policy';

function refusal(policy: CertificateUrlPolicy, url: string): VerificationFailure {
  try {
    policy.normalise(url);
  } catch (error) {
    return error as VerificationFailure;
  }
  throw new Error(`accepted ${url}`);
}

describe('CertificateUrlPolicy', () => {
  const policy = new CertificateUrlPolicy();

  // Amazon's own examples: https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html
  it.each([
    [
      'https://s3.amazonaws.com/echo.api/echo-api-cert.pem',
      'https://s3.amazonaws.com/echo.api/echo-api-cert.pem',
    ],
    [
      'https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem',
      'https://s3.amazonaws.com/echo.api/echo-api-cert.pem',
    ],
    [
      'https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem',
      'https://s3.amazonaws.com/echo.api/echo-api-cert.pem',
    ],
    [
      'HTTPS://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem',
      'https://s3.amazonaws.com/echo.api/echo-api-cert.pem',
    ],
    [
      'https://s3.amazonaws.com/echo.api/./x/../echo-api-cert.pem',
      'https://s3.amazonaws.com/echo.api/echo-api-cert.pem',
    ],
    [
      'https://s3.amazonaws.com/%65cho.api/echo-api-cert.pem',
      'https://s3.amazonaws.com/echo.api/echo-api-cert.pem',
    ],
    ['https://s3.amazonaws.com/echo.api/%2e%2E/echo.api/a.pem', 'https://s3.amazonaws.com/echo.api/a.pem'],
    ['https://s3.amazonaws.com/echo.api/a%2fb.pem', 'https://s3.amazonaws.com/echo.api/a%2Fb.pem'],
    ['https://s3.amazonaws.com/echo.api/cert.pem#part', 'https://s3.amazonaws.com/echo.api/cert.pem'],
  ])('accepts %s as %s', (url, normalised) => {
    expect(policy.normalise(url)).toBe(normalised);
  });

  it.each([
    ['http://s3.amazonaws.com/echo.api/echo-api-cert.pem', 'scheme'],
    ['ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem', 'scheme'],
    ['https://notamazon.com/echo.api/echo-api-cert.pem', 'host'],
    ['https://s3.amazonaws.com.evil.com/echo.api/echo-api-cert.pem', 'host'],
    ['https://evil.com/s3.amazonaws.com/echo.api/echo-api-cert.pem', 'host'],
    ['https://s3.amazonaws.com./echo.api/echo-api-cert.pem', 'host'],
    ['https://s3.amazonaws.com@evil.com/echo.api/echo-api-cert.pem', 'host'],
    ['https://user:pw@s3.amazonaws.com/echo.api/echo-api-cert.pem', 'user info'],
    ['https://user@s3.amazonaws.com/echo.api/echo-api-cert.pem', 'user info'],
    ['https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem', 'port'],
    ['https://s3.amazonaws.com:8443/echo.api/echo-api-cert.pem', 'port'],
    ['https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem', 'path'],
    ['https://s3.amazonaws.com/invalid.path/echo-api-cert.pem', 'path'],
    ['https://s3.amazonaws.com/echo-api-cert.pem', 'path'],
    ['https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem', 'path'],
    ['https://s3.amazonaws.com/echo.api/%2e%2e/evil/cert.pem', 'path'],
    ['https://s3.amazonaws.com/echo.api%2F..%2Fevil/cert.pem', 'path'],
    ['https://s3.amazonaws.com/echo.apix/cert.pem', 'path'],
    ['https://s3.amazonaws.com/echo.api/', 'path'],
    ['https://s3.amazonaws.com/%45cho.api/cert.pem', 'path'],
    ['not a url', 'printable'],
    ['/echo.api/echo-api-cert.pem', 'not a URL'],
    ['', 'printable'],
    [`https://s3.amazonaws.com/echo.api/${'a'.repeat(3000)}.pem`, 'printable'],
    ['https://s3.amazonaws.com/echo.api/cert\u00e9.pem', 'printable'],
  ])('refuses %s (%s)', (url, reason) => {
    const failure = refusal(policy, url);
    expect(failure).toBeInstanceOf(VerificationFailure);
    expect(failure.check).toBe('cert_url');
    expect(failure.reason).toContain(reason);
  });

  it('keeps the query, which Amazon never sends but its rules do not forbid', () => {
    expect(policy.normalise('https://s3.amazonaws.com/echo.api/cert.pem?x=1')).toBe(
      'https://s3.amazonaws.com/echo.api/cert.pem?x=1',
    );
  });

  it('checks a new header after remembering the last accepted one', () => {
    const fresh = new CertificateUrlPolicy();
    const url = 'https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem';
    expect(fresh.normalise(url)).toBe(url);
    expect(fresh.normalise(url)).toBe(url);
    expect(refusal(fresh, 'http://s3.amazonaws.com/echo.api/echo-api-cert-12.pem').check).toBe('cert_url');
    expect(fresh.normalise('https://s3.amazonaws.com:443/echo.api/echo-api-cert-12.pem')).toBe(url);
  });
});
