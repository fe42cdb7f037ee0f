import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { parsePemChain } from '../certificate-chain/parse-pem-chain';
import type { TrustStore } from './trust-store.interface';

/**
 * A trust store over a fixed list of PEM certificates, parsed once and indexed by subject.
 * {@link PemTrustStore.withNodeRoots} gives the default: Node's bundled Mozilla roots (`tls.rootCertificates`)
 * plus, optionally, the certificates of one PEM file (`ALEXA_TRUSTED_CA_FILE`, e.g. the development CA).
 */
export class PemTrustStore implements TrustStore {
  private readonly bySubject = new Map<string, X509Certificate[]>();

  constructor(certificates: Iterable<X509Certificate>) {
    for (const certificate of certificates) {
      const list = this.bySubject.get(certificate.subject);
      if (list) list.push(certificate);
      else this.bySubject.set(certificate.subject, [certificate]);
    }
  }

  /** Node's bundled roots plus the certificates in `extraPemFile`, which must exist and hold at least one. */
  static withNodeRoots(extraPemFile?: string): PemTrustStore {
    const roots = rootCertificates.map((pem) => new X509Certificate(pem));
    if (extraPemFile === undefined) return new PemTrustStore(roots);
    let text: string;
    try {
      text = readFileSync(extraPemFile, 'utf8');
    } catch (error) {
      throw new Error(
        `ALEXA_TRUSTED_CA_FILE: cannot read ${extraPemFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    const extra = parsePemChain(text);
    if (!extra) throw new Error(`ALEXA_TRUSTED_CA_FILE: ${extraPemFile} holds no readable PEM certificate`);
    return new PemTrustStore([...roots, ...extra]);
  }

  get size(): number {
    let count = 0;
    for (const list of this.bySubject.values()) count += list.length;
    return count;
  }

  isTrusted(certificate: X509Certificate): boolean {
    const anchors = this.bySubject.get(certificate.subject);
    return anchors !== undefined && anchors.some((anchor) => anchor.publicKey.equals(certificate.publicKey));
  }

  isIssuedByTrusted(certificate: X509Certificate): boolean {
    const anchors = this.bySubject.get(certificate.issuer);
    return (
      anchors !== undefined &&
      anchors.some((anchor) => certificate.checkIssued(anchor) && certificate.verify(anchor.publicKey))
    );
  }
}
