export { CertificateChainValidator, assertCurrentlyValid } from './certificate-chain-validator';
export type { SigningCertificate } from './signing-certificate';
export { parsePemChain } from './parse-pem-chain';
