import type { webcrypto } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSigningChain,
  generateKeys,
  issueCertificate,
  type IssuedCertificate,
  type SigningChain,
  type SigningChainOptions,
} from '../../../tools/dev-certs.ts';

const DAY_MS = 86_400_000;

/**
 * The certificates one test suite needs, generated in memory: a root CA the verifier trusts (written to
 * `caFile` for `ALEXA_TRUSTED_CA_FILE`), a valid signing chain under it, and helpers for broken chains.
 * Key pairs are generated once and reused, since generation is the slow part.
 */
export class TestPki {
  private constructor(
    readonly now: Date,
    readonly root: IssuedCertificate,
    readonly valid: SigningChain,
    readonly dir: string,
    readonly caFile: string,
    private readonly leafKeys: webcrypto.CryptoKeyPair,
  ) {}

  static async create(now: Date = new Date()): Promise<TestPki> {
    const rootKeys = await generateKeys('rsa');
    const leafKeys = await generateKeys('rsa');
    const root = await issueCertificate({
      subject: 'CN=Trusted Test Root CA',
      keys: rootKeys,
      ca: true,
      notBefore: new Date(now.getTime() - 365 * DAY_MS),
      notAfter: new Date(now.getTime() + 10 * 365 * DAY_MS),
    });
    const valid = await createSigningChain({ now, root, leaf: { keys: leafKeys } });
    const dir = await mkdtemp(join(tmpdir(), 'alexa-pki-'));
    const caFile = join(dir, 'trusted-ca.pem');
    await writeFile(caFile, root.pem);
    return new TestPki(now, root, valid, dir, caFile, leafKeys);
  }

  /** Another chain under the trusted root (unless `options.root` says otherwise), reusing the leaf key. */
  chain(options: SigningChainOptions = {}): Promise<SigningChain> {
    return createSigningChain({
      now: this.now,
      root: this.root,
      ...options,
      leaf: { keys: this.leafKeys, ...options.leaf },
    });
  }

  /** A chain that is valid in every way except that its root is not trusted. */
  untrustedChain(): Promise<SigningChain> {
    return createSigningChain({ now: this.now, leaf: { keys: this.leafKeys } });
  }

  /** Writes `pem` into the suite's folder, e.g. for a file certificate source. */
  async write(name: string, pem: string): Promise<string> {
    const path = join(this.dir, name);
    await writeFile(path, pem);
    return path;
  }

  dispose(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}
