export type { CertificateSource } from './certificate-source.interface';
export { HttpsCertificateSource } from './https-certificate-source';
export type { HttpsCertificateSourceOptions } from './https-certificate-source';
export { FileCertificateSource } from './file-certificate-source';
