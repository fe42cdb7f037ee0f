import { HttpService } from '@nestjs/axios';
import axios from 'axios';
import { Agent } from 'node:https';
import { HttpsCertificateSource, type CertificateSource } from '@lib/alexa-verification';
import type { CertificateServer } from './certificate-server';

const AMAZON_ORIGIN = 'https://s3.amazonaws.com';

/**
 * The production {@link HttpsCertificateSource} (timeout, size cap, status and text handling, over
 * `@nestjs/axios`) with one change for tests: the normalised `https://s3.amazonaws.com/...` URL is fetched
 * from a local {@link CertificateServer} whose CA the HTTPS agent trusts. The URL policy still runs unchanged.
 */
export class MappedCertificateSource implements CertificateSource {
  private readonly inner: HttpsCertificateSource;
  /** Every URL asked for, in order (after normalisation). */
  readonly requested: string[] = [];

  constructor(
    private readonly server: CertificateServer,
    options: { timeoutMs: number; maxBytes: number },
  ) {
    const instance = axios.create({ httpsAgent: new Agent({ ca: server.caPem, keepAlive: false }) });
    // axios ships separate CommonJS and ES module typings; @nestjs/axios names the ES module one.
    const http = new HttpService(instance as unknown as ConstructorParameters<typeof HttpService>[0]);
    this.inner = new HttpsCertificateSource(http, options);
  }

  fetch(url: string): Promise<string> {
    this.requested.push(url);
    if (!url.startsWith(`${AMAZON_ORIGIN}/`)) throw new Error(`unexpected certificate URL ${url}`);
    return this.inner.fetch(this.server.origin + url.slice(AMAZON_ORIGIN.length));
  }
}
