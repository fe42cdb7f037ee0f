import { randomBytes } from 'node:crypto';
import { VerificationScenario } from '../support/signing/verification-scenario';

// The certificate cache as Amazon's requests and unsigned ones meet it: one entry per S3 object, and a chain
// enters the cache only once a signature verified with it (until then it waits in a small pending area).
describe('request verification: the certificate cache', () => {
  let s: VerificationScenario;

  beforeAll(async () => {
    s = await VerificationScenario.start();
  });
  afterAll(() => s.close());

  const withRandomSignature = (url: string) =>
    s
      .request()
      .certUrl(url)
      .headers((h) => (h['Signature-256'] = randomBytes(256).toString('base64')));

  it('downloads once for URLs that name one S3 object in different encodings', async () => {
    const plain = s.host('echo-api-cert-a!b.pem', s.pki.valid.chainPem);
    await s.expectAccepted(s.request().certUrl(plain));
    await s.expectAccepted(s.request().certUrl('https://s3.amazonaws.com/echo.api/echo-api-cert-a%21b.pem'));
    await s.expectAccepted(
      s.request().certUrl('https://S3.amazonaws.com:443/echo.api/x/../%65cho-api-cert-a%21b.pem'),
    );
    expect(s.server.downloads('/echo.api/echo-api-cert-a!b.pem')).toBe(1);
    expect(s.server.downloads('/echo.api/echo-api-cert-a%21b.pem')).toBe(0);
  });

  it('verifies a signed request with the chain an unsigned one downloaded, without a second download', async () => {
    const url = s.host('echo-api-cert-pending.pem', s.pki.valid.chainPem);
    await s.expectRefused(withRandomSignature(url), 'signature');
    await s.expectAccepted(s.request().certUrl(url));
    await s.expectAccepted(s.request().certUrl(url));
    expect(s.server.downloads('/echo.api/echo-api-cert-pending.pem')).toBe(1);
  });

  it('forgets a chain no signature verified with after the pending time, and downloads it again', async () => {
    const url = s.host('echo-api-cert-forgotten.pem', s.pki.valid.chainPem);
    await s.expectRefused(withRandomSignature(url), 'signature');
    await s.expectRefused(withRandomSignature(url), 'signature');
    expect(s.server.downloads('/echo.api/echo-api-cert-forgotten.pem')).toBe(1);
    s.clock.advance(30_001); // the pending area keeps a chain 30 s
    await s.expectAccepted(s.request().certUrl(url));
    expect(s.server.downloads('/echo.api/echo-api-cert-forgotten.pem')).toBe(2);
    // Now it verified a signature: cached until it expires.
    s.clock.advance(60_000);
    await s.expectAccepted(s.request().certUrl(url));
    expect(s.server.downloads('/echo.api/echo-api-cert-forgotten.pem')).toBe(2);
  });
});
