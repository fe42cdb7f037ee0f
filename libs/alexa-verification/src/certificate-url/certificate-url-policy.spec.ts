import { VerificationFailure } from '../verification-failure';
import { CertificateUrlPolicy } from './certificate-url-policy';

function refusal(policy: CertificateUrlPolicy, url: string): VerificationFailure {
  try {
    policy.locate(url);
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
  ])('accepts %s as %s', (url, normalised) => {
    expect(policy.locate(url).url).toBe(normalised);
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
    ['https://s3.amazonaws.com/echo.api/cert.pem?x=1', 'query string or fragment'],
    ['https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem?v=0', 'query string or fragment'],
    ['https://s3.amazonaws.com/echo.api/cert.pem?', 'query string or fragment'],
    ['https://s3.amazonaws.com/echo.api/cert.pem#part', 'query string or fragment'],
    ['https://s3.amazonaws.com/echo.api/cert.pem#', 'query string or fragment'],
    ['https://s3.amazonaws.com/echo.api/cert.pem?#', 'query string or fragment'],
  ])('refuses %s (%s)', (url, reason) => {
    const failure = refusal(policy, url);
    expect(failure).toBeInstanceOf(VerificationFailure);
    expect(failure.check).toBe('cert_url');
    expect(failure.reason).toContain(reason);
  });

  describe('one S3 object, one key', () => {
    const keyOf = (url: string): string => new CertificateUrlPolicy().locate(url).key;
    const AMAZON = 'https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem';

    it.each([
      'https://S3.AmazonAWS.com/echo.api/echo-api-cert-12.pem',
      'https://s3.amazonaws.com:443/echo.api/echo-api-cert-12.pem',
      'https://s3.amazonaws.com/echo.api/x/../echo-api-cert-12.pem',
      'https://s3.amazonaws.com/echo.api/./echo-api-cert-12.pem',
      'https://s3.amazonaws.com/%65cho.api/%65cho-api-c%65rt-12.pem',
      'https://s3.amazonaws.com/echo.api/echo%2Dapi%2dcert%2D12%2Epem',
    ])('gives %s the key of Amazon’s own URL', (variant) => {
      expect(keyOf(variant)).toBe(keyOf(AMAZON));
    });

    it.each([
      ['a%21.pem', 'a!.pem'],
      ['a%2Fb.pem', 'a/b.pem'],
      ['a%2fb.pem', 'a/b.pem'],
      ['a%20b.pem', 'a+b.pem'],
      ['a%3Bb.pem', 'a;b.pem'],
    ])('gives %s and %s one key: S3 decodes both to one object', (encoded, plain) => {
      expect(keyOf(`https://s3.amazonaws.com/echo.api/${encoded}`)).toBe(
        keyOf(`https://s3.amazonaws.com/echo.api/${plain}`),
      );
    });

    it.each([
      ['a%2Bb.pem', 'a+b.pem'],
      ['a%2525.pem', 'a%25.pem'],
      ['A.pem', 'a.pem'],
      ['a//b.pem', 'a/b.pem'],
      ['a.pem', 'a.pem/'],
    ])('keeps %s and %s apart: they are two objects', (one, other) => {
      expect(keyOf(`https://s3.amazonaws.com/echo.api/${one}`)).not.toBe(
        keyOf(`https://s3.amazonaws.com/echo.api/${other}`),
      );
    });

    it('still downloads the URL as normalised, escapes kept', () => {
      const location = new CertificateUrlPolicy().locate('https://s3.amazonaws.com/echo.api/a%2fb+c.pem');
      expect(location.url).toBe('https://s3.amazonaws.com/echo.api/a%2Fb+c.pem');
      expect(location.key).toBe('/echo.api/a/b c.pem');
    });
  });

  it('checks a new header after remembering the last accepted one', () => {
    const fresh = new CertificateUrlPolicy();
    const url = 'https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem';
    expect(fresh.locate(url).url).toBe(url);
    expect(fresh.locate(url).url).toBe(url);
    expect(refusal(fresh, 'http://s3.amazonaws.com/echo.api/echo-api-cert-12.pem').check).toBe('cert_url');
    expect(fresh.locate('https://s3.amazonaws.com:443/echo.api/echo-api-cert-12.pem').url).toBe(url);
  });
});
