/**
 * Fetches the PEM text of a signing certificate chain. Called only with a URL that passed
 * {@link CertificateUrlPolicy}; failures throw a `cert_fetch` {@link VerificationFailure}.
 */
export interface CertificateSource {
  fetch(url: string): Promise<string>;
}
