import { VerificationScenario } from '../support/signing/verification-scenario';

describe('request verification: the certificate URL (rule 1)', () => {
  let s: VerificationScenario;

  beforeAll(async () => {
    s = await VerificationScenario.start();
  });
  afterAll(() => s.close());

  it('accepts a request signed with a certificate from https://s3.amazonaws.com/echo.api/', async () => {
    const reply = await s.expectAccepted(s.request());
    expect(reply.json()).toMatchObject({ version: '1.0', response: expect.any(Object) });
  });

  it.each([
    ['the http scheme', 'http://s3.amazonaws.com/echo.api/echo-api-cert-test.pem'],
    ['another host', 'https://notamazon.com/echo.api/echo-api-cert-test.pem'],
    [
      'a host that only starts like Amazon',
      'https://s3.amazonaws.com.evil.com/echo.api/echo-api-cert-test.pem',
    ],
    ['port 8443', 'https://s3.amazonaws.com:8443/echo.api/echo-api-cert-test.pem'],
    ['the path /EcHo.aPi/', 'https://s3.amazonaws.com/EcHo.aPi/echo-api-cert-test.pem'],
    ['a path without the prefix', 'https://s3.amazonaws.com/echo-api-cert-test.pem'],
    ['traversal out of /echo.api/', 'https://s3.amazonaws.com/echo.api/../evil/echo-api-cert-test.pem'],
    ['percent-encoded traversal', 'https://s3.amazonaws.com/echo.api/%2e%2e/evil/echo-api-cert-test.pem'],
    ['user info', 'https://amazon@s3.amazonaws.com/echo.api/echo-api-cert-test.pem'],
    ['a query string', 'https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem?v=1'],
    ['an empty query string', 'https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem?'],
    ['a fragment', 'https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem#v1'],
  ])('refuses %s with check="cert_url" and downloads nothing', async (_rule, url) => {
    const requested = s.source.requested.length;
    await s.expectRefused(s.request().certUrl(url), 'cert_url');
    expect(s.source.requested.length).toBe(requested);
  });

  it('accepts traversal that normalises back inside /echo.api/, and downloads the normalised URL', async () => {
    s.host('echo-api-cert-normalised.pem', s.pki.valid.chainPem);
    await s.expectAccepted(
      s
        .request()
        .certUrl('https://S3.AmazonAWS.com:443/echo.api/../echo.api/./x/../echo-api-cert-normalised.pem'),
    );
    expect(s.source.requested.at(-1)).toBe('https://s3.amazonaws.com/echo.api/echo-api-cert-normalised.pem');
    expect(s.server.downloads('/echo.api/echo-api-cert-normalised.pem')).toBe(1);
  });

  it('refuses a request without SignatureCertChainUrl with check="cert_url"', async () => {
    await s.expectRefused(
      s.request().headers((h) => delete h.SignatureCertChainUrl),
      'cert_url',
    );
  });

  it('refuses a request without Signature-256 with check="signature"', async () => {
    await s.expectRefused(
      s.request().headers((h) => delete h['Signature-256']),
      'signature',
    );
  });

  it('refuses a request without any signing header with check="cert_url"', async () => {
    await s.expectRefused(
      s.request().headers((h) => {
        delete h.SignatureCertChainUrl;
        delete h['Signature-256'];
      }),
      'cert_url',
    );
  });

  it('leaves other routes alone: health answers without any signing header', async () => {
    const res = await s.t.app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
  });

  it('logs the failed check at warn level, never the signature or the URL', async () => {
    const request = s.request().certUrl('https://evil.example/echo.api/x.pem').build();
    await s.t.send(request);
    const line = s.t.logs.entries().find((e) => String(e.msg).includes('cert_url check failed'));
    expect(line).toMatchObject({ level: 40, context: 'AlexaVerification' });
    const text = s.t.logs.text();
    expect(text).not.toContain(request.headers['Signature-256']);
    expect(text).not.toContain('evil.example');
  });
});
