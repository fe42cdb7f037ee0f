import { randomBytes } from 'node:crypto';
import type { VerificationCheck } from '@lib/alexa-verification';
import { HeldCertificateSource } from '../../support/signing/held-certificate-source';
import type { Reply } from '../../support/signing/verification-test-app';
import {
  TEST_CERT_PATH,
  TEST_CERT_URL,
  VerificationScenario,
} from '../../support/signing/verification-scenario';

// Hostile traffic before authentication: unsigned requests that name many certificate URLs, to fill and evict
// the certificate cache and to hold every download slot with slow downloads, so that Amazon's own requests are
// refused. The real app, the production HTTPS source against a local "S3", and a source in front of it that
// holds chosen downloads until the test releases them (S3 being slow, without sleeping). Every signed request
// sent while the attack runs must be answered 200.

const DAY_MS = 86_400_000;
/** The app's defaults: 32 verified chains, 8 download slots, 2 of them reserved for known URLs. */
const CACHE_SIZE = 32;
const UNKNOWN_URL_SLOTS = 6;

describe('hostile traffic: flooding the certificate cache', () => {
  let s: VerificationScenario;
  let held: HeldCertificateSource;

  beforeEach(async () => {
    s = await VerificationScenario.start({
      wrapSource: (source) => (held = new HeldCertificateSource(source)),
    });
    await s.expectAccepted(s.request()); // Amazon's chain is downloaded, verifies a signature and is cached.
  });
  afterEach(async () => {
    held.release();
    await s.close();
  });

  /** An unsigned request: a fresh timestamp and a well-formed but random `Signature-256`, naming `url`. */
  const unsigned = (url: string) =>
    s.t.send(
      s
        .request()
        .certUrl(url)
        .headers((h) => (h['Signature-256'] = randomBytes(256).toString('base64')))
        .build(),
    );

  /** Failure counts added since `before`, only the checks that moved. */
  async function refusedSince(before: Record<VerificationCheck, number>): Promise<Record<string, number>> {
    const after = await s.t.failures();
    return Object.fromEntries(
      Object.entries(after)
        .map(([check, n]) => [check, n - before[check as VerificationCheck]])
        .filter(([, n]) => n !== 0),
    );
  }

  /** Sends `count` signed requests one after the other; the statuses, in order. */
  async function signedStatuses(count: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) statuses.push((await s.t.send(s.request().build())).statusCode);
    return statuses;
  }

  const all200 = (count: number) => Array.from({ length: count }, () => 200);

  it('refuses query-string variants of Amazon’s URL with cert_url, before any download', async () => {
    const before = await s.t.failures();
    const requested = s.source.requested.length;
    for (let v = 0; v < CACHE_SIZE; v++) {
      expect((await unsigned(`${TEST_CERT_URL}?v=${v}`)).statusCode).toBe(400);
    }
    expect(await refusedSince(before)).toEqual({ cert_url: CACHE_SIZE });
    expect(s.source.requested.length).toBe(requested);
    expect(await signedStatuses(5)).toEqual(all200(5));
  });

  it('answers signed requests 200 while unsigned ones cycle through many URLs with valid chains, and downloads Amazon’s chain once', async () => {
    const floodUrls = Array.from({ length: 2 * CACHE_SIZE }, (_, i) =>
      s.host(`echo-api-cert-flood-${i}.pem`, s.pki.valid.chainPem),
    );
    const before = await s.t.failures();
    const signed: number[] = [];
    // Bursts as large as the cache, so that an LRU holding every chain would have dropped Amazon's by now.
    for (let from = 0; from < floodUrls.length; from += CACHE_SIZE) {
      for (const url of floodUrls.slice(from, from + CACHE_SIZE)) {
        expect((await unsigned(url)).statusCode).toBe(400);
      }
      signed.push(...(await signedStatuses(5)));
    }
    expect(signed).toEqual(all200(10));
    expect(await refusedSince(before)).toEqual({ signature: floodUrls.length });
    expect(s.server.downloads(TEST_CERT_PATH)).toBe(1);
  });

  it('answers signed requests 200 while slow downloads of unknown URLs hold every slot they may', async () => {
    // First the cache: unsigned requests over more URLs with valid chains than it holds.
    for (let i = 0; i < 2 * CACHE_SIZE; i++) {
      await unsigned(s.host(`echo-api-cert-filler-${i}.pem`, s.pki.valid.chainPem));
    }
    // Then the slots: S3 is slow for every URL the flood names; 40 distinct ones at once.
    held.hold((url) => url.includes('/echo-api-cert-slow-'));
    const before = await s.t.failures();
    const flood: Array<Promise<Reply>> = Array.from({ length: 40 }, (_, i) =>
      unsigned(`https://s3.amazonaws.com/echo.api/echo-api-cert-slow-${i}.pem`),
    );
    await held.holding(UNKNOWN_URL_SLOTS);

    expect(await signedStatuses(20)).toEqual(all200(20));
    expect(held.waiting).toHaveLength(UNKNOWN_URL_SLOTS);

    held.release();
    const statuses = (await Promise.all(flood)).map((r) => r.statusCode);
    expect(new Set(statuses)).toEqual(new Set([400]));
    // Slots full: refused at once; released: S3 answers 404. Both are cert_fetch, and nothing was cached.
    expect(await refusedSince(before)).toEqual({ cert_fetch: 40 });
    expect(s.server.downloads(TEST_CERT_PATH)).toBe(1);
  });

  it('downloads Amazon’s renewed chain in a reserved slot while slow unknown URLs hold all the others', async () => {
    // Amazon's cached chain expires and the same URL serves a renewed one: a download Amazon's requests need.
    const renewed = await s.pki.chain({ now: s.clock.date(31 * DAY_MS) });
    s.server.serve(TEST_CERT_PATH, renewed.chainPem);
    s.clock.advance(31 * DAY_MS);
    held.hold(() => true); // S3 is slow for everyone, Amazon's object included.
    const flood = Array.from({ length: 20 }, (_, i) =>
      unsigned(`https://s3.amazonaws.com/echo.api/echo-api-cert-slow-${i}.pem`),
    );
    await held.holding(UNKNOWN_URL_SLOTS);

    const amazon = s.t.send(s.request().build());
    await held.holding(UNKNOWN_URL_SLOTS + 1);
    expect(held.waiting).toContain(TEST_CERT_URL);
    held.release((url) => url === TEST_CERT_URL);
    expect((await amazon).statusCode).toBe(200);
    expect(await signedStatuses(5)).toEqual(all200(5));
    expect(s.server.downloads(TEST_CERT_PATH)).toBe(2);

    held.release();
    expect(new Set((await Promise.all(flood)).map((r) => r.statusCode))).toEqual(new Set([400]));
  });
});
