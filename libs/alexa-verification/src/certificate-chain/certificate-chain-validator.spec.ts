import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueCertificate } from '../../../../tools/dev-certs.ts';
import { PinnedClock } from '../../../../test/support/signing/pinned-clock';
import { TestPki } from '../../../../test/support/signing/test-pki';
import { PemTrustStore } from '../trust-store/pem-trust-store';
import { VerificationFailure, type VerificationCheck } from '../verification-failure';
import { CertificateChainValidator } from './certificate-chain-validator';

const FIXTURES = join(__dirname, '../../../../test/fixtures/amazon-certs');
const amazonChain = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

function failedCheck(run: () => unknown): VerificationCheck {
  try {
    run();
  } catch (error) {
    if (error instanceof VerificationFailure) return error.check;
    throw error;
  }
  throw new Error('validation passed');
}

describe('CertificateChainValidator', () => {
  describe("with Amazon's real chains and Node's bundled roots", () => {
    const nodeRoots = PemTrustStore.withNodeRoots();
    const clock = new PinnedClock();
    const validator = new CertificateChainValidator(nodeRoots, clock);

    it.each([
      ['echo-api-cert-12.pem', '2023-06-01T00:00:00Z'],
      ['echo-api-cert-7.pem', '2019-06-01T00:00:00Z'],
    ])('accepts %s at %s, stopping at the cross-signed Amazon Root CA 1', (file, at) => {
      clock.set(new Date(at));
      const certificate = validator.validate(amazonChain(file));
      expect(certificate.publicKey.asymmetricKeyType).toBe('rsa');
      const leaf = new X509Certificate(amazonChain(file));
      expect(certificate.publicKey.equals(leaf.publicKey)).toBe(true);
      expect(certificate.validTo).toBe(leaf.validToDate.getTime());
    });

    it.each([
      ['echo-api-cert-12.pem', '2024-01-01T00:00:00Z'],
      ['echo-api-cert-12.pem', '2023-03-15T00:00:00Z'],
      ['echo-api-cert-7.pem', '2020-05-16T00:00:00Z'],
      ['echo-api-cert-7.pem', '2026-01-01T00:00:00Z'],
    ])('refuses %s outside its validity, at %s', (file, at) => {
      clock.set(new Date(at));
      expect(failedCheck(() => validator.validate(amazonChain(file)))).toBe('cert_expired');
    });

    it('refuses echo-api-cert-5.pem, whose chain no longer reaches a trusted root', () => {
      clock.set(new Date('2018-01-01T00:00:00Z'));
      expect(failedCheck(() => validator.validate(amazonChain('echo-api-cert-5.pem')))).toBe('cert_chain');
    });

    it('refuses the 2015 chain as expired', () => {
      clock.set(new Date('2024-01-01T00:00:00Z'));
      expect(failedCheck(() => validator.validate(amazonChain('echo-api-cert-2015-expired.pem')))).toBe(
        'cert_expired',
      );
    });

    it('refuses the 2015 chain inside its validity as untrusted', () => {
      clock.set(new Date('2015-06-01T00:00:00Z'));
      expect(failedCheck(() => validator.validate(amazonChain('echo-api-cert-2015-expired.pem')))).toBe(
        'cert_chain',
      );
    });

    it('refuses a real chain whose cross-signed certificates were removed before the Amazon root', () => {
      clock.set(new Date('2023-06-01T00:00:00Z'));
      const blocks = amazonChain('echo-api-cert-12.pem').match(
        /-----BEGIN[\s\S]+?-----END CERTIFICATE-----/g,
      )!;
      // leaf + Amazon RSA 2048 M01 only: M01's issuer, Amazon Root CA 1, is in Node's store: accepted.
      expect(() => validator.validate(blocks.slice(0, 2).join('\n'))).not.toThrow();
      // the leaf alone: its issuer is neither supplied nor trusted.
      expect(failedCheck(() => validator.validate(blocks[0]))).toBe('cert_chain');
    });
  });

  describe('with generated chains', () => {
    let pki: TestPki;
    let validator: CertificateChainValidator;
    const day = 86_400_000;

    beforeAll(async () => {
      pki = await TestPki.create();
      validator = new CertificateChainValidator(
        new PemTrustStore([new X509Certificate(pki.root.pem)]),
        new PinnedClock(pki.now),
      );
    });
    afterAll(() => pki.dispose());

    it('accepts a leaf issued by the trusted root', () => {
      expect(() => validator.validate(pki.valid.chainPem)).not.toThrow();
    });

    it('accepts a chain that leaves the trusted root out', async () => {
      const chain = await pki.chain({ includeRoot: false });
      expect(() => validator.validate(chain.chainPem)).not.toThrow();
    });

    it('accepts an RSA intermediate and an ECDSA intermediate', async () => {
      const rsa = await pki.chain({ intermediate: {} });
      const ecdsa = await pki.chain({ intermediate: { algorithm: 'ecdsa' } });
      expect(() => validator.validate(rsa.chainPem)).not.toThrow();
      expect(() => validator.validate(ecdsa.chainPem)).not.toThrow();
    });

    it('accepts a chain under a trusted ECDSA root', async () => {
      const chain = await pki.chain({ root: undefined, rootAlgorithm: 'ecdsa' });
      const trusting = new CertificateChainValidator(
        new PemTrustStore([new X509Certificate(chain.caPem)]),
        new PinnedClock(pki.now),
      );
      expect(() => trusting.validate(chain.chainPem)).not.toThrow();
    });

    it('refuses an expired leaf', async () => {
      const chain = await pki.chain({
        leaf: {
          notBefore: new Date(pki.now.getTime() - 10 * day),
          notAfter: new Date(pki.now.getTime() - day),
        },
      });
      expect(failedCheck(() => validator.validate(chain.chainPem))).toBe('cert_expired');
    });

    it('refuses a leaf that is not yet valid', async () => {
      const chain = await pki.chain({
        leaf: {
          notBefore: new Date(pki.now.getTime() + day),
          notAfter: new Date(pki.now.getTime() + 10 * day),
        },
      });
      expect(failedCheck(() => validator.validate(chain.chainPem))).toBe('cert_expired');
    });

    it.each([[['echo-api.amazon.com.evil.example']], [['evil.example', 'ECHO-API.amazon.com']], [[]]])(
      'refuses a leaf whose SANs are %j',
      async (dnsNames) => {
        const chain = await pki.chain({ leaf: { dnsNames } });
        expect(failedCheck(() => validator.validate(chain.chainPem))).toBe('cert_san');
      },
    );

    it('accepts echo-api.amazon.com among other SANs', async () => {
      const chain = await pki.chain({ leaf: { dnsNames: ['other.example', 'echo-api.amazon.com'] } });
      expect(() => validator.validate(chain.chainPem)).not.toThrow();
    });

    it('refuses a self-signed leaf', async () => {
      const chain = await pki.chain({ leaf: { selfSigned: true } });
      expect(failedCheck(() => validator.validate(chain.chainPem))).toBe('cert_chain');
    });

    it('refuses a self-signed leaf even when it is supplied twice', async () => {
      const chain = await pki.chain({ leaf: { selfSigned: true } });
      expect(failedCheck(() => validator.validate(chain.chainPem + chain.chainPem))).toBe('cert_chain');
    });

    it('refuses a chain that ends at an untrusted root', async () => {
      const chain = await pki.untrustedChain();
      expect(failedCheck(() => validator.validate(chain.chainPem))).toBe('cert_chain');
    });

    it.each([true, false])(
      'refuses a root that has the trusted name but another key (root supplied: %s)',
      async (includeRoot) => {
        const sameName = await issueCertificate({ subject: 'CN=Trusted Test Root CA', ca: true });
        const chain = await pki.chain({ root: sameName, includeRoot });
        expect(failedCheck(() => validator.validate(chain.chainPem))).toBe('cert_chain');
      },
    );

    it('refuses an intermediate without CA:TRUE', async () => {
      const chain = await pki.chain({ intermediate: { ca: false } });
      expect(failedCheck(() => validator.validate(chain.chainPem))).toBe('cert_chain');
    });

    it.each([
      ['empty text', ''],
      ['garbage', 'this is not a certificate'],
      ['a block that is not base64 DER', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
    ])('refuses %s', (_name, pem) => {
      expect(failedCheck(() => validator.validate(pem))).toBe('cert_chain');
    });

    it('refuses a truncated PEM chain', () => {
      const pem = pki.valid.chainPem;
      expect(failedCheck(() => validator.validate(pem.slice(0, Math.floor(pem.length / 3))))).toBe(
        'cert_chain',
      );
    });

    it('refuses a chain whose intermediate expired, though the leaf is valid', async () => {
      const oldRoot = await issueCertificate({
        subject: 'CN=Old Root',
        ca: true,
        notBefore: new Date(pki.now.getTime() - 100 * day),
        notAfter: new Date(pki.now.getTime() + 10 * day),
      });
      const inter = await issueCertificate({
        subject: 'CN=Expired Intermediate',
        issuer: oldRoot,
        ca: true,
        notBefore: new Date(pki.now.getTime() - 50 * day),
        notAfter: new Date(pki.now.getTime() - day),
      });
      const leaf = await issueCertificate({
        subject: 'CN=echo-api.amazon.com',
        issuer: inter,
        dnsNames: ['echo-api.amazon.com'],
        notBefore: new Date(pki.now.getTime() - 2 * day),
        notAfter: new Date(pki.now.getTime() + 2 * day),
      });
      const trusting = new CertificateChainValidator(
        new PemTrustStore([new X509Certificate(oldRoot.pem)]),
        new PinnedClock(pki.now),
      );
      expect(failedCheck(() => trusting.validate(leaf.pem + inter.pem))).toBe('cert_expired');
    });
  });
});
