import type {
  AlexaVerificationModuleOptions,
  CertificateSourceSetting,
} from './alexa-verification-options.interface';
import { VerificationConfigError } from './verification-settings';

/**
 * Reads the module options from environment variables (the names are a contract, see docs/verification.md):
 * `ALEXA_VERIFY`, `ALEXA_SKILL_ID`, `ALEXA_CERT_SOURCE`, `ALEXA_TRUSTED_CA_FILE`, `ALEXA_REPLAY_PROTECTION`,
 * `NODE_ENV`. Unset variables keep the module defaults; an invalid value throws naming the variable.
 */
export function verificationOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): AlexaVerificationModuleOptions {
  const options: AlexaVerificationModuleOptions = { production: env.NODE_ENV === 'production' };
  const enabled = flag('ALEXA_VERIFY', env.ALEXA_VERIFY);
  if (enabled !== undefined) options.enabled = enabled;
  if (nonEmpty(env.ALEXA_SKILL_ID)) options.skillIds = env.ALEXA_SKILL_ID.split(',');
  if (nonEmpty(env.ALEXA_CERT_SOURCE)) options.certSource = parseCertSource(env.ALEXA_CERT_SOURCE);
  if (nonEmpty(env.ALEXA_TRUSTED_CA_FILE)) options.trustedCaFile = env.ALEXA_TRUSTED_CA_FILE;
  const replay = flag('ALEXA_REPLAY_PROTECTION', env.ALEXA_REPLAY_PROTECTION);
  if (replay !== undefined) options.replayProtection = replay;
  return options;
}

/** `https` or `file:<dir>` (the value of `ALEXA_CERT_SOURCE`). */
export function parseCertSource(value: string): CertificateSourceSetting {
  const trimmed = value.trim();
  if (trimmed === 'https') return 'https';
  if (trimmed.startsWith('file:') && trimmed.length > 'file:'.length)
    return { dir: trimmed.slice('file:'.length) };
  throw new VerificationConfigError(
    `ALEXA_CERT_SOURCE must be "https" or "file:<dir>", got "${value}"`,
    'ALEXA_CERT_SOURCE',
  );
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function flag(name: string, value: string | undefined): boolean | undefined {
  if (!nonEmpty(value)) return undefined;
  const normalised = value.trim().toLowerCase();
  if (normalised === 'true' || normalised === '1' || normalised === 'yes') return true;
  if (normalised === 'false' || normalised === '0' || normalised === 'no') return false;
  throw new VerificationConfigError(`${name} must be true or false, got "${value}"`, name);
}
