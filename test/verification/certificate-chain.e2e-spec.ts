import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VerificationScenario } from '../support/signing/verification-scenario';

const AMAZON = join(__dirname, '../fixtures/amazon-certs');
const DAY_MS = 86_400_000;

describe('request verification: the certificate chain (rule 2)', () => {
  let s: VerificationScenario;

  beforeAll(async () => {
    s = await VerificationScenario.start();
  });
  afterAll(() => s.close());

  describe("Amazon's real chains, with Node's bundled roots and the clock pinned", () => {
    // Amazon's key is not ours, so a request cannot carry Amazon's signature: reaching the signature check
    // (check="signature") proves that every certificate check passed.
    const realChain = async (
      file: string,
      at: string,
      check: 'signature' | 'cert_expired' | 'cert_chain',
    ) => {
      const now = s.clock.now();
      s.clock.set(new Date(at));
      try {
        const url = s.host(file, readFileSync(join(AMAZON, file), 'utf8'));
        await s.expectRefused(s.request(s.envelope()).certUrl(url), check);
      } finally {
        s.clock.set(now);
      }
    };

    it('accepts echo-api-cert-12.pem (cross-signed, stops at Amazon Root CA 1) at 2023-06-01', () =>
      realChain('echo-api-cert-12.pem', '2023-06-01T12:00:00Z', 'signature'));

    it('accepts echo-api-cert-7.pem at 2019-06-01', () =>
      realChain('echo-api-cert-7.pem', '2019-06-01T12:00:00Z', 'signature'));

    it('refuses echo-api-cert-12.pem after it expired (2024-01-01)', () =>
      realChain('echo-api-cert-12.pem', '2024-01-01T12:00:00Z', 'cert_expired'));

    it('refuses echo-api-cert-12.pem before it was valid (2023-03-01)', () =>
      realChain('echo-api-cert-12.pem', '2023-03-01T12:00:00Z', 'cert_expired'));

    it('refuses echo-api-cert-5.pem, whose root is no longer trusted, inside its validity', () =>
      realChain('echo-api-cert-5.pem', '2018-01-01T12:00:00Z', 'cert_chain'));

    it('refuses the 2015 chain as expired', () =>
      realChain('echo-api-cert-2015-expired.pem', '2016-01-01T12:00:00Z', 'cert_expired'));
  });

  describe('generated chains', () => {
    const day = (n: number) => new Date(s.pki.now.getTime() + n * DAY_MS);

    it('accepts a chain with an ECDSA intermediate', async () => {
      const chain = await s.pki.chain({ intermediate: { algorithm: 'ecdsa' } });
      await s.expectAccepted(s.request().certUrl(s.host('ecdsa-issuer.pem', chain.chainPem)));
    });

    it('refuses an expired certificate with check="cert_expired"', async () => {
      const chain = await s.pki.chain({ leaf: { notBefore: day(-30), notAfter: day(-1) } });
      await s.expectRefused(s.request().certUrl(s.host('expired.pem', chain.chainPem)), 'cert_expired');
    });

    it('refuses a certificate that is not yet valid with check="cert_expired"', async () => {
      const chain = await s.pki.chain({ leaf: { notBefore: day(1), notAfter: day(30) } });
      await s.expectRefused(s.request().certUrl(s.host('not-yet-valid.pem', chain.chainPem)), 'cert_expired');
    });

    it('refuses a certificate without the SAN echo-api.amazon.com with check="cert_san"', async () => {
      const chain = await s.pki.chain({ leaf: { dnsNames: ['echo-api.amazon.com.evil.example'] } });
      await s.expectRefused(s.request().certUrl(s.host('wrong-san.pem', chain.chainPem)), 'cert_san');
    });

    it('refuses a self-signed leaf with check="cert_chain"', async () => {
      const chain = await s.pki.chain({ leaf: { selfSigned: true } });
      await s.expectRefused(s.request().certUrl(s.host('self-signed.pem', chain.chainPem)), 'cert_chain');
    });

    it('refuses a chain signed by an untrusted root with check="cert_chain"', async () => {
      const chain = await s.pki.untrustedChain();
      await s.expectRefused(s.request().certUrl(s.host('untrusted.pem', chain.chainPem)), 'cert_chain');
    });

    it('refuses a chain whose intermediate lacks CA:TRUE with check="cert_chain"', async () => {
      const chain = await s.pki.chain({ intermediate: { ca: false } });
      await s.expectRefused(s.request().certUrl(s.host('not-a-ca.pem', chain.chainPem)), 'cert_chain');
    });

    it('refuses a truncated PEM chain with check="cert_chain"', async () => {
      const pem = s.pki.valid.chainPem;
      const url = s.host('truncated.pem', pem.slice(0, Math.floor(pem.length * 0.4)));
      await s.expectRefused(s.request().certUrl(url), 'cert_chain');
    });

    it('refuses garbage with check="cert_chain"', async () => {
      await s.expectRefused(
        s.request().certUrl(s.host('garbage.pem', '<html>Access Denied</html>')),
        'cert_chain',
      );
    });

    it('does not cache a refused chain: it is downloaded again on the next request', async () => {
      const url = s.host('refused-twice.pem', 'garbage');
      await s.expectRefused(s.request().certUrl(url), 'cert_chain');
      await s.expectRefused(s.request().certUrl(url), 'cert_chain');
      expect(s.server.downloads('/echo.api/refused-twice.pem')).toBe(2);
    });
  });

  describe('the download', () => {
    it('refuses with check="cert_fetch" when the download fails (404)', async () => {
      s.server.on('/echo.api/missing.pem', { kind: 'status', status: 404 });
      await s.expectRefused(
        s.request().certUrl('https://s3.amazonaws.com/echo.api/missing.pem'),
        'cert_fetch',
      );
    });

    it('refuses with check="cert_fetch" when the download times out', async () => {
      s.server.on('/echo.api/hangs.pem', { kind: 'hang' });
      const started = performance.now();
      await s.expectRefused(s.request().certUrl('https://s3.amazonaws.com/echo.api/hangs.pem'), 'cert_fetch');
      expect(performance.now() - started).toBeLessThan(3000);
    });

    it('refuses with check="cert_fetch" when the download is too large', async () => {
      s.server.on('/echo.api/huge.pem', { kind: 'huge', size: 5_000_000 });
      await s.expectRefused(s.request().certUrl('https://s3.amazonaws.com/echo.api/huge.pem'), 'cert_fetch');
    });

    it('retries after a failed download and recovers without a restart', async () => {
      s.server.on('/echo.api/flaky.pem', { kind: 'status', status: 503 });
      const url = 'https://s3.amazonaws.com/echo.api/flaky.pem';
      await s.expectRefused(s.request().certUrl(url), 'cert_fetch');
      s.server.serve('/echo.api/flaky.pem', s.pki.valid.chainPem);
      await s.expectAccepted(s.request().certUrl(url));
      await s.expectAccepted(s.request().certUrl(url));
      expect(s.server.downloads('/echo.api/flaky.pem')).toBe(2);
    });
  });
});
