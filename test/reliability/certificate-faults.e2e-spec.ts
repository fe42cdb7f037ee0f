import { randomBytes } from 'node:crypto';
import type { Behaviour } from '../support/signing/certificate-server';
import { VerificationScenario } from '../support/signing/verification-scenario';

// Certificate download faults: a local HTTPS server stands in for s3.amazonaws.com and fails in every
// way a download can. Each failure is a 400 counted as its check, is never cached, so the next request tries
// again, and a later good download recovers without a restart.

/**
 * The production download deadline (the verification module's default). A shorter one refused healthy downloads
 * on a busy machine; the slow and hanging faults below never answer in time whatever the deadline.
 */
const TIMEOUT_MS = 2_000;
const PATH = '/echo.api/flaky-cert.pem';
const URL = `https://s3.amazonaws.com${PATH}`;

describe('certificate download faults', () => {
  let s: VerificationScenario;
  /** Lets a gated download answer: called after the test saw its refusals, so the body always comes too late. */
  let openGate: () => void = () => undefined;
  const gate = (): Promise<void> => new Promise((resolve) => (openGate = resolve));

  beforeAll(async () => {
    s = await VerificationScenario.start({ certFetchTimeoutMs: TIMEOUT_MS, certMaxBytes: 65_536 });
  });
  afterEach(() => openGate());
  afterAll(() => s.close());

  const faults: Array<[string, () => Behaviour, 'cert_fetch' | 'cert_chain']> = [
    ['answers 503', () => ({ kind: 'status', status: 503 }), 'cert_fetch'],
    ['answers 404', () => ({ kind: 'status', status: 404 }), 'cert_fetch'],
    ['answers 301 (redirects are not followed)', () => ({ kind: 'status', status: 301 }), 'cert_fetch'],
    ['hangs after the headers', () => ({ kind: 'hang' }), 'cert_fetch'],
    [
      'is slower than the deadline',
      () => ({ kind: 'gated', body: s.pki.valid.chainPem, gate: gate() }),
      'cert_fetch',
    ],
    ['is larger than the cap', () => ({ kind: 'huge', size: 1_000_000 }), 'cert_fetch'],
    ['returns random bytes', () => ({ kind: 'serve', body: randomBytes(2048) }), 'cert_chain'],
    [
      'returns a truncated PEM',
      () => ({ kind: 'serve', body: s.pki.valid.chainPem.slice(0, 700) }),
      'cert_chain',
    ],
    ['returns an empty body', () => ({ kind: 'serve', body: '' }), 'cert_chain'],
  ];

  it.each(faults)(
    'refuses with 400 when the download %s, and retries on the next request',
    async (_name, fault, check) => {
      s.server.on(PATH, fault());
      const before = s.server.downloads(PATH);
      const started = Date.now();
      await s.expectRefused(s.request().certUrl(URL), check);
      await s.expectRefused(s.request().certUrl(URL), check);
      expect(Date.now() - started).toBeLessThan(2 * TIMEOUT_MS + 1_000); // bounded by the download deadline
      expect(s.server.downloads(PATH) - before).toBe(2); // a failure is not cached
    },
  );

  it('recovers once the download works again, without a restart, and then serves from the cache', async () => {
    s.server.on(PATH, { kind: 'status', status: 500 });
    await s.expectRefused(s.request().certUrl(URL), 'cert_fetch');
    s.server.serve(PATH, s.pki.valid.chainPem);
    const before = s.server.downloads(PATH);
    await s.expectAccepted(s.request().certUrl(URL));
    for (let i = 0; i < 5; i++) await s.expectAccepted(s.request().certUrl(URL));
    expect(s.server.downloads(PATH) - before).toBe(1);
  });

  it('refuses a burst during a hanging download with one download, all within the deadline', async () => {
    const path = '/echo.api/hanging-burst.pem';
    s.server.on(path, { kind: 'hang' });
    const started = Date.now();
    const replies = await Promise.all(
      Array.from({ length: 40 }, () =>
        s.t.send(s.request().certUrl(`https://s3.amazonaws.com${path}`).build()),
      ),
    );
    expect(new Set(replies.map((r) => r.statusCode))).toEqual(new Set([400]));
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
    expect(s.server.downloads(path)).toBe(1); // single flight, also for a failing download
    // ...and the next request after the failure tries again.
    s.server.serve(path, s.pki.valid.chainPem);
    await s.expectAccepted(s.request().certUrl(`https://s3.amazonaws.com${path}`));
    expect(s.server.downloads(path)).toBe(2);
  });
});
