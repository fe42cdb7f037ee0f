export { CertificateUrlPolicy } from './certificate-url-policy';
export type { CertificateLocation } from './certificate-url-policy';
