export { CertificateCache } from './certificate-cache';
export type { CertificateCacheOptions, CertificateLoader } from './certificate-cache';
