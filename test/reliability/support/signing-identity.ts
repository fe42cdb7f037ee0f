import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SigningIdentity } from '../../../tools/alexa-request/sign.ts';
import { ensureDevCerts, loadDevSigningIdentity } from '../../../tools/dev-certs.ts';

export interface ReliabilitySigning {
  /** Signs like Amazon, with a leaf under the development CA below. */
  readonly identity: SigningIdentity;
  /** Settings that make the app trust that CA and read the chain from a folder (`createTestApp({ env })`). */
  readonly env: Readonly<Record<string, string>>;
}

let signing: Promise<ReliabilitySigning> | undefined;

/** One development CA per test process (key generation is the slow part). */
export function signingIdentity(): Promise<ReliabilitySigning> {
  signing ??= (async () => {
    const certs = await ensureDevCerts(join(tmpdir(), `alexa-reliability-certs-${process.pid}`));
    return {
      identity: await loadDevSigningIdentity(certs.dir),
      env: { ALEXA_CERT_SOURCE: `file:${certs.dir}`, ALEXA_TRUSTED_CA_FILE: certs.caFile },
    };
  })();
  return signing;
}
