/** DI token of the {@link Clock} every time-dependent check reads. */
export const CLOCK = Symbol('ALEXA_VERIFICATION_CLOCK');

/** DI token of the {@link CertificateSource} that fetches a signing certificate chain by URL. */
export const CERTIFICATE_SOURCE = Symbol('ALEXA_VERIFICATION_CERTIFICATE_SOURCE');

/** DI token of the {@link TrustStore} that certificate chains must reach. */
export const TRUST_STORE = Symbol('ALEXA_VERIFICATION_TRUST_STORE');

/** DI token of the module options with every default applied ({@link VerificationSettings}). */
export const VERIFICATION_SETTINGS = Symbol('ALEXA_VERIFICATION_SETTINGS');

/** Name of the failure counter, labelled by `check`. */
export const VERIFICATION_FAILURES_METRIC = 'alexa_verification_failures_total';
