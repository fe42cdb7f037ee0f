export { CertificateCache } from './certificate-cache';
export type { CertificateCacheOptions } from './certificate-cache';
