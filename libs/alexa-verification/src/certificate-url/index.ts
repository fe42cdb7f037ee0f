export { CertificateUrlPolicy } from './certificate-url-policy';
