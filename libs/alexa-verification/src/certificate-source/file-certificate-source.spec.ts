import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VerificationFailure } from '../verification-failure';
import { FileCertificateSource } from './file-certificate-source';

describe('FileCertificateSource', () => {
  let dir: string;
  let source: FileCertificateSource;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'file-source-'));
    await writeFile(join(dir, 'echo-api-cert-13.pem'), 'PEM TEXT');
    await writeFile(join(dir, 'big.pem'), 'x'.repeat(2000));
    source = new FileCertificateSource(dir, 1000);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads <dir>/<last path segment of the URL>', async () => {
    await expect(source.fetch('https://s3.amazonaws.com/echo.api/echo-api-cert-13.pem')).resolves.toBe(
      'PEM TEXT',
    );
    await expect(source.fetch('https://s3.amazonaws.com/echo.api/sub/echo-api-cert-13.pem')).resolves.toBe(
      'PEM TEXT',
    );
  });

  it.each([
    ['a missing file', 'https://s3.amazonaws.com/echo.api/echo-api-cert-99.pem'],
    ['a file over the size cap', 'https://s3.amazonaws.com/echo.api/big.pem'],
    ['an escaped separator', 'https://s3.amazonaws.com/echo.api/..%2Fpasswd'],
    ['an empty name', 'https://s3.amazonaws.com/echo.api/dir/'],
  ])('fails with cert_fetch for %s', async (_name, url) => {
    const error = await source.fetch(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationFailure);
    expect((error as VerificationFailure).check).toBe('cert_fetch');
  });
});
