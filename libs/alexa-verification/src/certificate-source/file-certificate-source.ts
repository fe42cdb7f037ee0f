import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { VerificationFailure } from '../verification-failure';
import type { CertificateSource } from './certificate-source.interface';

/** A file name, not a path: no separators, no `..`, nothing a shell or file system would read twice. */
const SAFE_FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Development source (`ALEXA_CERT_SOURCE=file:<dir>`): after the URL passed every rule, the chain is read
 * from `<dir>/<last path segment>` instead of downloaded, e.g. `.../echo.api/echo-api-cert-dev.pem` ->
 * `<dir>/echo-api-cert-dev.pem`. Refused in production.
 */
export class FileCertificateSource implements CertificateSource {
  private readonly dir: string;
  private readonly maxBytes: number;

  constructor(dir: string, maxBytes: number) {
    this.dir = dir;
    this.maxBytes = maxBytes;
  }

  async fetch(url: string): Promise<string> {
    const path = new URL(url).pathname;
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (!SAFE_FILE_NAME.test(name)) throw new VerificationFailure('cert_fetch', 'not a plain file name');
    let file;
    try {
      file = await open(join(this.dir, name), 'r');
    } catch {
      throw new VerificationFailure('cert_fetch', 'no such certificate file');
    }
    try {
      const { size } = await file.stat();
      if (size > this.maxBytes) throw new VerificationFailure('cert_fetch', 'file exceeds the size cap');
      return await file.readFile('utf8');
    } finally {
      await file.close();
    }
  }
}
