import type { HttpService } from '@nestjs/axios';
import { isAxiosError } from 'axios';
import { VerificationFailure } from '../verification-failure';
import type { CertificateSource } from './certificate-source.interface';

export interface HttpsCertificateSourceOptions {
  /** Deadline for the whole download (connect, headers and body), in milliseconds. */
  timeoutMs: number;
  /** Largest accepted response body, in bytes. */
  maxBytes: number;
}

/**
 * Downloads the chain over HTTPS (the default). A short deadline for the whole transfer (a server trickling
 * bytes cannot hold a request), a size cap, no redirects (the URL fetched is the URL checked), and the body
 * kept as text: nothing is parsed here.
 */
export class HttpsCertificateSource implements CertificateSource {
  private readonly http: HttpService;
  private readonly options: HttpsCertificateSourceOptions;

  constructor(http: HttpService, options: HttpsCertificateSourceOptions) {
    this.http = http;
    this.options = options;
  }

  async fetch(url: string): Promise<string> {
    const { timeoutMs, maxBytes } = this.options;
    let status: number;
    let data: unknown;
    try {
      ({ status, data } = await this.http.axiosRef.get<unknown>(url, {
        responseType: 'text',
        transformResponse: (body: unknown) => body,
        timeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
        maxContentLength: maxBytes,
        maxRedirects: 0,
        validateStatus: () => true,
        headers: { Accept: 'application/x-pem-file, text/plain, */*' },
      }));
    } catch (error) {
      throw new VerificationFailure('cert_fetch', describe(error));
    }
    if (status !== 200) throw new VerificationFailure('cert_fetch', `download answered HTTP ${status}`);
    if (typeof data !== 'string') throw new VerificationFailure('cert_fetch', 'download is not text');
    return data;
  }
}

/** A fixed phrase for the log; never the server's words. */
function describe(error: unknown): string {
  if (isAxiosError(error)) {
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT' || error.code === 'ERR_CANCELED') {
      return 'download timed out';
    }
    if (error.message.includes('maxContentLength')) return 'download exceeds the size cap';
    if (error.code) return `download failed (${error.code})`;
  }
  return 'download failed';
}
