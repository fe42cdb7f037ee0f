import { generateKeyPairSync, sign } from 'node:crypto';
import { PinnedClock } from '../../../../test/support/signing/pinned-clock';
import { CertificateCache } from '../certificate-cache/certificate-cache';
import type { CertificateChainValidator } from '../certificate-chain/certificate-chain-validator';
import type { SigningCertificate } from '../certificate-chain/signing-certificate';
import type { CertificateSource } from '../certificate-source/certificate-source.interface';
import { CertificateUrlPolicy } from '../certificate-url/certificate-url-policy';
import { InMemoryStateStore, StateKeys } from '@lib/state-store';
import { ReplayProtector } from '../replay/replay-protector';
import { SignatureVerifier } from '../signature/signature-verifier';
import { SkillIdValidator } from '../skill-id/skill-id-validator';
import { TimestampValidator } from '../timestamp/timestamp-validator';
import { VerificationFailure } from '../verification-failure';
import { AlexaRequestVerifier, type VerificationInput } from './alexa-request-verifier';

// Unit test of the order of checks; the chain validator and the source are stubs (real ones: their own specs
// and the end-to-end suite).
describe('AlexaRequestVerifier', () => {
  const SKILL = 'amzn1.ask.skill.test';
  const URL = 'https://s3.amazonaws.com/echo.api/cert.pem';
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clock = new PinnedClock(new Date('2026-02-01T10:00:00Z'));
  let signing: SigningCertificate;
  let source: jest.Mocked<CertificateSource>;
  let validator: { validate: jest.Mock };
  let verifier: AlexaRequestVerifier;
  let cache: CertificateCache;

  beforeEach(() => {
    signing = { publicKey, validFrom: clock.now() - 1000, validTo: clock.now() + 60_000 };
    source = { fetch: jest.fn((_url: string) => Promise.resolve('PEM')) };
    validator = { validate: jest.fn(() => signing) };
    cache = new CertificateCache(
      { maxEntries: 4, maxPending: 2, pendingTtlMs: 30_000, maxConcurrentLoads: 4, reservedLoads: 1 },
      clock,
    );
    verifier = new AlexaRequestVerifier({
      clock,
      urlPolicy: new CertificateUrlPolicy(),
      source,
      chainValidator: validator as unknown as CertificateChainValidator,
      cache,
      signatureVerifier: new SignatureVerifier(),
      timestampValidator: new TimestampValidator(clock, {
        toleranceMs: 150_000,
        skillEventToleranceMs: 3_600_000,
      }),
      skillIdValidator: new SkillIdValidator([SKILL]),
      replayProtector: new ReplayProtector(
        new InMemoryStateStore({ maxClaims: 100, maxValues: 10 }),
        new StateKeys('test-secret'),
        clock,
      ),
    });
  });

  let counter = 0;
  function input(
    changes: { type?: string; skill?: string; timestamp?: string; requestId?: string } = {},
    headers: Record<string, string | undefined> = {},
  ): VerificationInput {
    const body = {
      version: '1.0',
      context: { System: { application: { applicationId: changes.skill ?? SKILL } } },
      request: {
        type: changes.type ?? 'LaunchRequest',
        requestId: changes.requestId ?? `req-${++counter}`,
        timestamp: changes.timestamp ?? clock.date().toISOString(),
      },
    };
    const rawBody = Buffer.from(JSON.stringify(body));
    return {
      rawBody,
      body,
      headers: {
        signaturecertchainurl: URL,
        'signature-256': sign('sha256', rawBody, privateKey).toString('base64'),
        ...headers,
      },
    };
  }

  const failedCheck = (promise: Promise<unknown>): Promise<string> =>
    promise.then(
      () => 'accepted',
      (error: unknown) => (error instanceof VerificationFailure ? error.check : `threw ${String(error)}`),
    );

  it('accepts a well-signed request and caches its certificate', async () => {
    await expect(verifier.verify(input())).resolves.toBeUndefined();
    await expect(verifier.verify(input())).resolves.toBeUndefined();
    expect(source.fetch).toHaveBeenCalledTimes(1);
    expect(source.fetch).toHaveBeenCalledWith(URL);
  });

  it('keeps a chain out of the cache until a signature verifies with it, and downloads it once', async () => {
    const forged = input({}, { 'signature-256': Buffer.alloc(256, 7).toString('base64') });
    expect(await failedCheck(verifier.verify(forged))).toBe('signature');
    expect({ verified: cache.size, pending: cache.pendingSize }).toEqual({ verified: 0, pending: 1 });
    await expect(verifier.verify(input())).resolves.toBeUndefined();
    expect({ verified: cache.size, pending: cache.pendingSize }).toEqual({ verified: 1, pending: 0 });
    expect(source.fetch).toHaveBeenCalledTimes(1);
  });

  it('refuses a certificate URL with a query string without downloading', async () => {
    expect(await failedCheck(verifier.verify(input({}, { signaturecertchainurl: `${URL}?v=1` })))).toBe(
      'cert_url',
    );
    expect(source.fetch).not.toHaveBeenCalled();
  });

  it('downloads the normalised URL', async () => {
    await verifier.verify(
      input({}, { signaturecertchainurl: 'https://S3.amazonaws.com:443/echo.api/x/../cert.pem' }),
    );
    expect(source.fetch).toHaveBeenCalledWith(URL);
  });

  it('refuses a request without raw bytes before anything else', async () => {
    expect(await failedCheck(verifier.verify({ ...input(), rawBody: undefined }))).toBe('malformed');
    expect(source.fetch).not.toHaveBeenCalled();
  });

  it('authenticates the raw bytes without reading the parsed body', async () => {
    const { headers, rawBody } = input();
    await expect(verifier.authenticate({ headers, rawBody })).resolves.toBe('miss');
    const unsigned = Buffer.from(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    expect(await failedCheck(verifier.authenticate({ headers, rawBody: unsigned }))).toBe('signature');
  });

  it('says where it found the certificate: downloaded, shared with a download in flight, then cached', async () => {
    const { headers, rawBody } = input();
    const [first, second] = await Promise.all([
      verifier.authenticate({ headers, rawBody }),
      verifier.authenticate({ headers, rawBody }),
    ]);
    expect([first, second]).toEqual(['miss', 'pending']);
    await expect(verifier.authenticate({ headers, rawBody })).resolves.toBe('hit');
    expect(source.fetch).toHaveBeenCalledTimes(1);
  });

  it('refuses a malformed envelope once its bytes are authenticated', async () => {
    const good = input();
    expect(await failedCheck(verifier.verify({ ...good, body: [] }))).toBe('malformed');
    expect(await failedCheck(verifier.verify({ ...good, body: { request: 'x' } }))).toBe('malformed');
    expect(
      await failedCheck(verifier.verify({ ...good, body: { request: { type: 'LaunchRequest' } } })),
    ).toBe('malformed');
  });

  it('refuses a bad or missing certificate URL without downloading', async () => {
    expect(await failedCheck(verifier.verify(input({}, { signaturecertchainurl: undefined })))).toBe(
      'cert_url',
    );
    expect(
      await failedCheck(
        verifier.verify(input({}, { signaturecertchainurl: 'https://evil.com/echo.api/c.pem' })),
      ),
    ).toBe('cert_url');
    expect(source.fetch).not.toHaveBeenCalled();
  });

  it('refuses a missing or unreadable signature header without downloading', async () => {
    expect(await failedCheck(verifier.verify(input({}, { 'signature-256': undefined })))).toBe('signature');
    expect(await failedCheck(verifier.verify(input({}, { 'signature-256': '%%%' })))).toBe('signature');
    expect(source.fetch).not.toHaveBeenCalled();
  });

  it('refuses a stale request, whose timestamp is read once its signature matched', async () => {
    expect(await failedCheck(verifier.verify(input({ timestamp: clock.date(-151_000).toISOString() })))).toBe(
      'timestamp',
    );
  });

  it('re-checks the dates of a cached certificate on every use', async () => {
    await verifier.verify(input());
    // The clock steps back before the certificate's notBefore: the cache still holds it, the verifier refuses.
    clock.advance(-2000);
    try {
      expect(await failedCheck(verifier.verify(input()))).toBe('cert_expired');
      expect(source.fetch).toHaveBeenCalledTimes(1);
    } finally {
      clock.advance(2000);
    }
  });

  it('loads an expired cached certificate again, and refuses it if it is still expired', async () => {
    await verifier.verify(input());
    clock.advance(60_001);
    try {
      expect(await failedCheck(verifier.verify(input({ timestamp: clock.date().toISOString() })))).toBe(
        'cert_expired',
      );
      expect(source.fetch).toHaveBeenCalledTimes(2);
    } finally {
      clock.advance(-60_001);
    }
  });

  it('refuses a signature by another key', async () => {
    const forged = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const request = input();
    const headers = {
      ...request.headers,
      'signature-256': sign('sha256', request.rawBody!, forged).toString('base64'),
    };
    expect(await failedCheck(verifier.verify({ ...request, headers }))).toBe('signature');
  });

  it('checks the skill ID after the signature', async () => {
    expect(await failedCheck(verifier.verify(input({ skill: 'amzn1.ask.skill.other' })))).toBe('skill_id');
    const unsigned = input({ skill: 'amzn1.ask.skill.other' }, { 'signature-256': 'AAAA' });
    expect(await failedCheck(verifier.verify(unsigned))).toBe('signature');
  });

  it('refuses a replayed request and only remembers verified ones', async () => {
    const unsigned = input({ requestId: 'same' }, { 'signature-256': 'AAAA' });
    expect(await failedCheck(verifier.verify(unsigned))).toBe('signature');
    expect(await failedCheck(verifier.verify(input({ requestId: 'same' })))).toBe('accepted');
    expect(await failedCheck(verifier.verify(input({ requestId: 'same' })))).toBe('replay');
  });

  it('accepts a redelivered skill event (the skill core acknowledges it without handling it twice)', async () => {
    const type = 'AlexaSkillEvent.SkillEnabled';
    expect(await failedCheck(verifier.verify(input({ type, requestId: 'event' })))).toBe('accepted');
    expect(await failedCheck(verifier.verify(input({ type, requestId: 'event' })))).toBe('accepted');
  });

  it('fails with cert_fetch when the source fails, and retries on the next request', async () => {
    source.fetch.mockRejectedValueOnce(new VerificationFailure('cert_fetch', 'download failed'));
    expect(await failedCheck(verifier.verify(input()))).toBe('cert_fetch');
    expect(await failedCheck(verifier.verify(input()))).toBe('accepted');
    expect(source.fetch).toHaveBeenCalledTimes(2);
  });
});
