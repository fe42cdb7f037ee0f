import { generateKeyPairSync, sign } from 'node:crypto';
import { VerificationFailure } from '../verification-failure';
import { SignatureVerifier, type SignatureVerifyMode } from './signature-verifier';

describe('SignatureVerifier', () => {
  const verifier = new SignatureVerifier();
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const body = Buffer.from('{"version":"1.0","request":{"type":"LaunchRequest","text":"Grüße 👋"}}', 'utf8');
  const signature256 = sign('sha256', body, privateKey).toString('base64');

  const check = (run: () => unknown): string => {
    try {
      run();
      return 'passed';
    } catch (error) {
      return describeFailure(error);
    }
  };
  const checkAsync = async (run: () => Promise<void>): Promise<string> => {
    try {
      await run();
      return 'passed';
    } catch (error) {
      return describeFailure(error);
    }
  };

  describe.each<SignatureVerifyMode>(['threadpool', 'inline'])('verify (%s)', (mode) => {
    const modeVerifier = new SignatureVerifier(mode);
    const decoded = verifier.decode(signature256, undefined);

    it('accepts an RSA-SHA256 signature over the exact bytes (multibyte UTF-8 included)', async () => {
      expect(await checkAsync(() => modeVerifier.verify(body, decoded, publicKey))).toBe('passed');
    });

    it('refuses the signature over a body changed by one byte', async () => {
      const changed = Buffer.from(body);
      changed[changed.length - 3] ^= 0x01;
      expect(await checkAsync(() => modeVerifier.verify(changed, decoded, publicKey))).toBe(
        'signature: signature does not match the body',
      );
    });

    it('refuses a signature made by another key', async () => {
      const forged = sign('sha256', body, other.privateKey).toString('base64');
      expect(
        await checkAsync(() => modeVerifier.verify(body, verifier.decode(forged, undefined), publicKey)),
      ).toMatch(/^signature:/);
    });

    it('refuses a SHA-1 signature presented as Signature-256', async () => {
      const sha1 = sign('sha1', body, privateKey).toString('base64');
      expect(
        await checkAsync(() => modeVerifier.verify(body, verifier.decode(sha1, undefined), publicKey)),
      ).toMatch(/^signature:/);
    });

    it('treats a signature of the wrong length as a mismatch, not a crash', async () => {
      expect(
        await checkAsync(() => modeVerifier.verify(body, Buffer.from('AAAA', 'base64'), publicKey)),
      ).toBe('signature: signature does not match the body');
    });

    it('treats a key OpenSSL cannot verify with as a mismatch, not a crash', async () => {
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      expect(await checkAsync(() => modeVerifier.verify(body, decoded, ec.publicKey))).toBe(
        'signature: signature does not match the body',
      );
    });
  });

  it('refuses a request with only the legacy SHA-1 Signature header', () => {
    const sha1 = sign('sha1', body, privateKey).toString('base64');
    expect(check(() => verifier.decode(undefined, sha1))).toBe(
      'signature: only the legacy SHA-1 Signature header is present',
    );
  });

  it('refuses a request without a signature', () => {
    expect(check(() => verifier.decode(undefined, undefined))).toBe(
      'signature: Signature-256 header is missing',
    );
  });

  it.each([
    ['characters outside base64', signature256.slice(0, -4) + '!!!!'],
    ['a missing padding character', signature256.replace(/=+$/, '')],
    ['whitespace inside', signature256.slice(0, 10) + ' ' + signature256.slice(10)],
    ['an empty value', ''],
    ['two joined values', `${signature256}, ${signature256}`],
    ['a huge value', 'A'.repeat(4096)],
    ['the URL-safe alphabet', signature256.replace(/\+/g, '-').replace(/\//g, '_')],
    ['non-canonical trailing bits', 'AB=='],
  ])('refuses invalid base64: %s', (_name, value) => {
    expect(check(() => verifier.decode(value, undefined))).toBe(
      'signature: Signature-256 is not one base64 value',
    );
  });

  it('refuses repeated headers given as a list', () => {
    expect(check(() => verifier.decode([signature256, signature256], undefined))).toMatch(/^signature:/);
  });
});

function describeFailure(error: unknown): string {
  return (error as VerificationFailure).check + ': ' + (error as VerificationFailure).reason;
}
