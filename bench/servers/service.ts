// Scenarios 3-6: this service, started from the production bundle (`dist/`, the same `main.js` the container
// runs), with one piece of benchmark instrumentation: a counting wrapper around the development certificate
// source, so the cold-burst scenario can prove that 500 concurrent requests load the certificate once.
// BENCH_CERT_FETCH_DELAY_MS adds a delay to each load, standing in for the download from Amazon's S3 that the
// file source skips (so a burst really overlaps the load in flight). The parent asks for the count over IPC.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

interface CertificateSourceClass {
  prototype: { fetch: (this: unknown, url: string) => Promise<string> };
}

const require = createRequire(import.meta.url);
const dist = resolve(process.env.BENCH_DIST ?? join(import.meta.dirname, '..', '..', 'dist'));
const delayMs = Number(process.env.BENCH_CERT_FETCH_DELAY_MS ?? 0);
const stats = { certificateLoads: 0, countingSource: false };

const sourceModule = join(dist, 'libs/alexa-verification/src/certificate-source/file-certificate-source.js');
if (existsSync(sourceModule)) {
  const { FileCertificateSource } = require(sourceModule) as {
    FileCertificateSource?: CertificateSourceClass;
  };
  if (FileCertificateSource) {
    const original = FileCertificateSource.prototype.fetch;
    FileCertificateSource.prototype.fetch = async function (this: unknown, url: string): Promise<string> {
      stats.certificateLoads += 1;
      if (delayMs > 0) await new Promise((done) => setTimeout(done, delayMs));
      return original.call(this, url);
    };
    stats.countingSource = true;
  }
}

if (process.send) {
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stats') process.send?.(stats);
  });
  // The IPC channel must not keep the process alive once the service has drained.
  process.channel?.unref();
}

require(join(dist, 'apps/skill-service/src/main.js'));
