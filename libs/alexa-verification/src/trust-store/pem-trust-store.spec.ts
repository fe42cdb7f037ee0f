import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { issueCertificate } from '../../../../tools/dev-certs.ts';
import { PemTrustStore } from './pem-trust-store';

describe('PemTrustStore', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trust-store-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("holds Node's bundled roots by default", () => {
    const store = PemTrustStore.withNodeRoots();
    expect(store.size).toBe(rootCertificates.length);
    const amazonRoot = rootCertificates
      .map((pem) => new X509Certificate(pem))
      .find((c) => c.subject.includes('CN=Amazon Root CA 1'));
    expect(amazonRoot && store.isTrusted(amazonRoot)).toBe(true);
  });

  it('adds the certificates of ALEXA_TRUSTED_CA_FILE', async () => {
    const ca = await issueCertificate({ subject: 'CN=Extra CA', ca: true });
    const file = join(dir, 'extra.pem');
    await writeFile(file, ca.pem);
    const store = PemTrustStore.withNodeRoots(file);
    expect(store.size).toBe(rootCertificates.length + 1);
    expect(store.isTrusted(new X509Certificate(ca.pem))).toBe(true);
  });

  it('matches by subject and public key, never by name alone', async () => {
    const trusted = await issueCertificate({ subject: 'CN=Same Name', ca: true });
    const impostor = await issueCertificate({ subject: 'CN=Same Name', ca: true });
    const store = new PemTrustStore([new X509Certificate(trusted.pem)]);
    expect(store.isTrusted(new X509Certificate(trusted.pem))).toBe(true);
    expect(store.isTrusted(new X509Certificate(impostor.pem))).toBe(false);

    const underTrusted = await issueCertificate({ subject: 'CN=leaf', issuer: trusted });
    const underImpostor = await issueCertificate({ subject: 'CN=leaf', issuer: impostor });
    expect(store.isIssuedByTrusted(new X509Certificate(underTrusted.pem))).toBe(true);
    expect(store.isIssuedByTrusted(new X509Certificate(underImpostor.pem))).toBe(false);
  });

  it('refuses to start with an unreadable or empty trusted CA file, naming the variable', async () => {
    expect(() => PemTrustStore.withNodeRoots(join(dir, 'missing.pem'))).toThrow(
      /ALEXA_TRUSTED_CA_FILE.*ENOENT/,
    );
    const empty = join(dir, 'empty.pem');
    await writeFile(empty, 'nothing here');
    expect(() => PemTrustStore.withNodeRoots(empty)).toThrow(/ALEXA_TRUSTED_CA_FILE.*no readable PEM/);
  });
});
