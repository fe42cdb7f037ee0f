export { AlexaVerificationModule } from './alexa-verification.module';
export type {
  AlexaVerificationModuleOptions,
  CertificateSourceSetting,
} from './alexa-verification-options.interface';
export {
  CERTIFICATE_SOURCE,
  CLOCK,
  TRUST_STORE,
  VERIFICATION_FAILURES_METRIC,
} from './alexa-verification.constants';
export { VerificationConfigError } from './verification-settings';
export { VERIFICATION_CHECKS, VerificationFailure } from './verification-failure';
export type { VerificationCheck } from './verification-failure';
export { AlexaVerificationGuard } from './guard';
export { AlexaRequestVerifier } from './verifier';
export type { VerificationInput } from './verifier';
export type { Clock } from './clock';
export type { CertificateSource } from './certificate-source';
export type { SigningCertificate } from './certificate-chain';
export { HttpsCertificateSource, FileCertificateSource } from './certificate-source';
export type { TrustStore } from './trust-store';
export type { SignatureVerifyMode } from './signature/signature-verifier';
export { PemTrustStore } from './trust-store';
