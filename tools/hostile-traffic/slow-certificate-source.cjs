// Preload (`node --require`) for tools/hostile-traffic/certificate-flood.ts, measurement instrumentation only:
// the built service's development certificate source (ALEXA_CERT_SOURCE=file:<dir>) answers each download after
// FLOOD_CERT_DOWNLOAD_MS, as S3 may, and the downloads are counted and written to stderr as one JSON line on exit.
const { join } = require('node:path');

const delayMs = Number(process.env.FLOOD_CERT_DOWNLOAD_MS ?? 0);
const { FileCertificateSource } = require(
  join(process.cwd(), 'dist/libs/alexa-verification/src/certificate-source/file-certificate-source.js'),
);
const original = FileCertificateSource.prototype.fetch;
let downloads = 0;
FileCertificateSource.prototype.fetch = async function (url) {
  downloads += 1;
  await new Promise((done) => setTimeout(done, delayMs));
  return original.call(this, url);
};
process.on('exit', () => process.stderr.write(`${JSON.stringify({ certificateDownloads: downloads })}\n`));
