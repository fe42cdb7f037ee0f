import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SigningCertificate } from '@lib/alexa-verification';
import { alexaRequest, DEFAULT_SKILL_ID } from '../../tools/alexa-request/envelope.ts';
import { signRequest } from '../../tools/alexa-request/sign.ts';
import { DEV_CA_FILE, ensureDevCerts, loadDevSigningIdentity } from '../../tools/dev-certs.ts';
import {
  CertificateCache,
  type CertificateLoader,
} from '../../libs/alexa-verification/src/certificate-cache/certificate-cache';
import type { CertificateLocation } from '../../libs/alexa-verification/src/certificate-url/certificate-url-policy';
import { PinnedClock } from '../support/signing/pinned-clock';
import { until } from '../support/until';
import { REFUSAL_BODY, VerificationScenario } from '../support/signing/verification-scenario';
import { createVerificationTestApp } from '../support/signing/verification-test-app';

/** Counts the requests that asked the cache for a certificate. */
class CountingCertificateCache extends CertificateCache {
  calls = 0;

  override get(location: CertificateLocation, load: CertificateLoader): Promise<SigningCertificate> {
    this.calls++;
    return super.get(location, load);
  }
}

describe('request verification in the running service', () => {
  describe('a burst on a cold cache, over real sockets', () => {
    let s: VerificationScenario;
    const cache = new CountingCertificateCache(
      { maxEntries: 8, maxPending: 4, pendingTtlMs: 30_000, maxConcurrentLoads: 8, reservedLoads: 2 },
      new PinnedClock(),
    );

    beforeAll(async () => {
      // A long download deadline: the download is held on purpose until all 200 requests wait for it.
      s = await VerificationScenario.start({
        overrides: [[CertificateCache, cache]],
        certFetchTimeoutMs: 30_000,
      });
      await s.t.app.listen(0, '127.0.0.1');
    });
    afterAll(() => s.close());

    it('downloads the certificate exactly once for 200 concurrent requests', async () => {
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      s.server.on('/echo.api/burst.pem', { kind: 'gated', body: s.pki.valid.chainPem, gate });
      const url = `${await s.t.app.getUrl()}${s.t.endpoint}`;
      const requests = Array.from({ length: 200 }, () =>
        s.request().certUrl('https://s3.amazonaws.com/echo.api/burst.pem').build(),
      );
      const replies = requests.map((r) =>
        fetch(url, { method: 'POST', headers: r.headers, body: r.payload }).then((res) => res.status),
      );
      // Hold the download until every request is waiting for the certificate, then let it through.
      try {
        await until(() => cache.calls >= 200, { what: 'all 200 requests waiting for the certificate' });
        expect(s.server.downloads('/echo.api/burst.pem')).toBe(1);
      } finally {
        open();
      }
      expect(await Promise.all(replies)).toEqual(Array.from({ length: 200 }, () => 200));
      expect(s.server.downloads('/echo.api/burst.pem')).toBe(1);
    });
  });

  describe('start-up', () => {
    const production = { NODE_ENV: 'production', ALEXA_SKILL_ID: DEFAULT_SKILL_ID };

    it.each([
      [
        { ALEXA_CERT_SOURCE: 'file:.dev-certs' },
        'ALEXA_CERT_SOURCE: file:<dir> is refused with NODE_ENV=production',
      ],
      [{ ALEXA_VERIFY: 'false' }, 'ALEXA_VERIFY: false is refused with NODE_ENV=production'],
      [{ ALEXA_SKILL_ID: '' }, 'ALEXA_SKILL_ID: required with NODE_ENV=production'],
      [
        { ALEXA_TRUSTED_CA_FILE: '/ca.pem' },
        'ALEXA_TRUSTED_CA_FILE: a CA file is refused with NODE_ENV=production',
      ],
      [
        { ALEXA_REPLAY_PROTECTION: 'false' },
        'ALEXA_REPLAY_PROTECTION: false is refused with NODE_ENV=production',
      ],
      [
        { ALEXA_API_ENDPOINT_ALLOW_ANY: 'true' },
        'ALEXA_API_ENDPOINT_ALLOW_ANY: true is refused with NODE_ENV=production',
      ],
    ])('refuses %j when NODE_ENV=production', async (env, message) => {
      await expect(createVerificationTestApp({ env: { ...production, ...env } })).rejects.toThrow(message);
    });

    it('refuses ALEXA_VERIFY=false when NODE_ENV=test: the test setup runs every check', async () => {
      await expect(
        createVerificationTestApp({ env: { NODE_ENV: 'test', ALEXA_VERIFY: 'false' } }),
      ).rejects.toThrow(
        'ALEXA_VERIFY: false is refused with NODE_ENV=test (allowed only with NODE_ENV=development)',
      );
    });

    it('lets unsigned requests through when ALEXA_VERIFY=false in development', async () => {
      const t = await createVerificationTestApp({ env: { NODE_ENV: 'development', ALEXA_VERIFY: 'false' } });
      try {
        const reply = await t.send({
          payload: Buffer.from(alexaRequest().launch().body()),
          headers: { 'content-type': 'application/json' },
        });
        expect(reply.statusCode).toBe(200);
      } finally {
        await t.close();
      }
    });
  });

  describe('the development setup the request simulator uses (file source, development CA)', () => {
    let dir: string;
    let t: Awaited<ReturnType<typeof createVerificationTestApp>>;
    let url: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'dev-certs-'));
      await ensureDevCerts(dir);
      t = await createVerificationTestApp({
        env: {
          NODE_ENV: 'development',
          ALEXA_SKILL_ID: DEFAULT_SKILL_ID,
          ALEXA_CERT_SOURCE: `file:${dir}`,
          ALEXA_TRUSTED_CA_FILE: join(dir, DEV_CA_FILE),
        },
      });
      await t.app.listen(0, '127.0.0.1');
      url = `${await t.app.getUrl()}${t.endpoint}`;
    });
    afterAll(async () => {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('accepts a request signed like the simulator signs it, over a real socket', async () => {
      const body = alexaRequest().launch().body();
      const headers = {
        'content-type': 'application/json',
        ...signRequest(body, await loadDevSigningIdentity(dir)),
      };
      const res = await fetch(url, { method: 'POST', headers, body });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { version: string }).version).toBe('1.0');
    });

    it('refuses a URL naming a file the folder does not hold, with check="cert_fetch"', async () => {
      const body = alexaRequest().launch().body();
      const identity = await loadDevSigningIdentity(dir);
      const headers = {
        'content-type': 'application/json',
        ...signRequest(body, {
          ...identity,
          certUrl: 'https://s3.amazonaws.com/echo.api/echo-api-cert-99.pem',
        }),
      };
      const before = (await t.failures()).cert_fetch;
      const res = await fetch(url, { method: 'POST', headers, body });
      expect([res.status, await res.json()]).toEqual([400, REFUSAL_BODY]);
      expect((await t.failures()).cert_fetch).toBe(before + 1);
    });
  });
});
