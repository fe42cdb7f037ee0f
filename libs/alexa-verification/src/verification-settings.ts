import { SKILL_EVENT_REDELIVERY_WINDOW_MS } from '@lib/alexa-protocol';
import type {
  AlexaVerificationModuleOptions,
  CertificateSourceSetting,
} from './alexa-verification-options.interface';
import type { SignatureVerifyMode } from './signature/signature-verifier';

/** The module options with every default applied and checked, as the verification classes read them. */
export interface VerificationSettings {
  readonly enabled: boolean;
  readonly skillIds: readonly string[];
  readonly certSource: CertificateSourceSetting;
  readonly trustedCaFile: string | undefined;
  readonly timestampToleranceMs: number;
  readonly skillEventToleranceMs: number;
  readonly certFetchTimeoutMs: number;
  readonly certMaxBytes: number;
  readonly certCacheSize: number;
  readonly certPendingSize: number;
  readonly certPendingTtlMs: number;
  readonly certMaxConcurrentFetches: number;
  readonly certReservedFetches: number;
  readonly replayProtection: boolean;
  readonly signatureVerifyMode: SignatureVerifyMode;
  readonly production: boolean;
}

/** Amazon: "within 150 seconds"; a wider tolerance would fail the skill's certification. */
const AMAZON_MAX_TOLERANCE_MS = 150_000;

/** A setting start-up refuses; the message names the setting, `variable` its environment variable if it has one. */
export class VerificationConfigError extends Error {
  override readonly name = 'VerificationConfigError';

  constructor(
    message: string,
    readonly variable?: string,
  ) {
    super(message);
  }
}

export function resolveVerificationSettings(options: AlexaVerificationModuleOptions): VerificationSettings {
  const settings: VerificationSettings = {
    enabled: options.enabled ?? true,
    skillIds: (options.skillIds ?? []).map((id) => id.trim()).filter((id) => id !== ''),
    certSource: options.certSource ?? 'https',
    trustedCaFile: options.trustedCaFile,
    timestampToleranceMs: positive('timestampToleranceMs', options.timestampToleranceMs, 150_000),
    skillEventToleranceMs: positive(
      'skillEventToleranceMs',
      options.skillEventToleranceMs,
      SKILL_EVENT_REDELIVERY_WINDOW_MS,
    ),
    certFetchTimeoutMs: positive('certFetchTimeoutMs', options.certFetchTimeoutMs, 2_000),
    certMaxBytes: positive('certMaxBytes', options.certMaxBytes, 65_536),
    certCacheSize: positive('certCacheSize', options.certCacheSize, 32),
    certPendingSize: positive('certPendingSize', options.certPendingSize, 4),
    certPendingTtlMs: positive('certPendingTtlMs', options.certPendingTtlMs, 30_000),
    certMaxConcurrentFetches: positive('certMaxConcurrentFetches', options.certMaxConcurrentFetches, 8),
    certReservedFetches: positive('certReservedFetches', options.certReservedFetches, 2),
    replayProtection: options.replayProtection ?? true,
    signatureVerifyMode: options.signatureVerifyMode ?? 'threadpool',
    production: options.production ?? true,
  };
  if (settings.timestampToleranceMs > AMAZON_MAX_TOLERANCE_MS) {
    throw new VerificationConfigError(
      `Alexa verification: timestampToleranceMs ${settings.timestampToleranceMs} exceeds Amazon's 150000 ms`,
    );
  }
  if (settings.signatureVerifyMode !== 'threadpool' && settings.signatureVerifyMode !== 'inline') {
    throw new VerificationConfigError(
      `Alexa verification: signatureVerifyMode must be 'threadpool' or 'inline', got ${String(settings.signatureVerifyMode)}`,
    );
  }
  if (settings.certReservedFetches >= settings.certMaxConcurrentFetches) {
    throw new VerificationConfigError(
      `Alexa verification: certReservedFetches (${settings.certReservedFetches}) must be less than ` +
        `certMaxConcurrentFetches (${settings.certMaxConcurrentFetches}), or no unknown URL could ever download`,
    );
  }
  if (typeof settings.certSource === 'object' && settings.certSource.dir === '') {
    throw new VerificationConfigError(
      'ALEXA_CERT_SOURCE: file: needs a directory, e.g. file:.dev-certs',
      'ALEXA_CERT_SOURCE',
    );
  }
  if (settings.production) assertProductionSafe(settings);
  return settings;
}

/** Production trusts only Amazon: every setting that lets anything else pass is refused. */
function assertProductionSafe(settings: VerificationSettings): void {
  if (!settings.enabled) {
    throw new VerificationConfigError(
      'ALEXA_VERIFY=false is refused when NODE_ENV=production: Alexa requires every request to be verified',
      'ALEXA_VERIFY',
    );
  }
  if (settings.certSource !== 'https') {
    throw new VerificationConfigError(
      'ALEXA_CERT_SOURCE=file:<dir> is a development setting and is refused when NODE_ENV=production; use https',
      'ALEXA_CERT_SOURCE',
    );
  }
  if (settings.trustedCaFile !== undefined && settings.trustedCaFile.trim() !== '') {
    throw new VerificationConfigError(
      'ALEXA_TRUSTED_CA_FILE is a development setting and is refused when NODE_ENV=production: whoever holds ' +
        "that CA's key could sign requests; Amazon's chain needs only Node's root store",
      'ALEXA_TRUSTED_CA_FILE',
    );
  }
  if (!settings.replayProtection) {
    throw new VerificationConfigError(
      'ALEXA_REPLAY_PROTECTION=false is refused when NODE_ENV=production: a captured request could be replayed',
      'ALEXA_REPLAY_PROTECTION',
    );
  }
  if (settings.skillIds.length === 0) {
    throw new VerificationConfigError(
      'ALEXA_SKILL_ID is required when NODE_ENV=production (comma-separated skill IDs, amzn1.ask.skill....)',
      'ALEXA_SKILL_ID',
    );
  }
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new VerificationConfigError(`Alexa verification: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}
