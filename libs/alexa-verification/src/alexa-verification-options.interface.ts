import type { SignatureVerifyMode } from './signature/signature-verifier';

/** Where signing certificate chains come from. */
export type CertificateSourceSetting = 'https' | { readonly dir: string };

export interface AlexaVerificationModuleOptions {
  /** Verify requests to the skill endpoint (`ALEXA_VERIFY`); `false` is refused in production. @default true */
  enabled?: boolean;
  /**
   * Accepted skill IDs (`ALEXA_SKILL_ID`, comma-separated); empty accepts any, which is refused in production.
   * @default []
   */
  skillIds?: readonly string[];
  /**
   * Certificate source (`ALEXA_CERT_SOURCE`): `'https'` downloads from Amazon; `{ dir }` (`file:<dir>`) reads
   * `<dir>/<last path segment of the URL>`, for development only (refused in production).
   * @default 'https'
   */
  certSource?: CertificateSourceSetting;
  /** PEM file of extra trusted CAs, added to Node's bundled roots (`ALEXA_TRUSTED_CA_FILE`). @default undefined */
  trustedCaFile?: string;
  /** Largest distance of `request.timestamp` from now, both directions (at most Amazon's 150 s). @default 150000 */
  timestampToleranceMs?: number;
  /** Largest age of the five redelivered skill events (Amazon's SDKs: one hour). @default 3600000 */
  skillEventToleranceMs?: number;
  /** Deadline for one certificate download, in milliseconds. @default 2000 */
  certFetchTimeoutMs?: number;
  /** Largest certificate chain accepted, in bytes (Amazon's is about 7 KB). @default 65536 */
  certMaxBytes?: number;
  /** Most certificate chains kept that have verified a signature (one per S3 object). @default 32 */
  certCacheSize?: number;
  /** Most downloaded chains kept that have not verified a signature yet (the pending area). @default 4 */
  certPendingSize?: number;
  /** How long a downloaded chain waits in the pending area for a signature it verifies. @default 30000 */
  certPendingTtlMs?: number;
  /** Most certificate downloads in flight at once; beyond it a cold URL fails at once. @default 8 */
  certMaxConcurrentFetches?: number;
  /**
   * Of those, how many only URLs that verified a signature recently may use, so that requests naming unknown
   * URLs cannot take every slot; less than `certMaxConcurrentFetches`. @default 2
   */
  certReservedFetches?: number;
  /** Refuse a second request with an accepted request ID (`ALEXA_REPLAY_PROTECTION`). @default true */
  replayProtection?: boolean;
  /**
   * Where the RSA signature check runs: `'threadpool'` (libuv's pool, off the event loop: more requests/s
   * and less CPU per request on 2+ cores) or `'inline'` (on the event loop; for single-core pods).
   * @default 'threadpool'
   */
  signatureVerifyMode?: SignatureVerifyMode;
  /**
   * Production mode: refuses `enabled: false`, a file certificate source, a trusted CA file, no replay
   * protection and an empty `skillIds` at start-up. The service passes `NODE_ENV === 'production'`.
   * @default true
   */
  production?: boolean;
}
