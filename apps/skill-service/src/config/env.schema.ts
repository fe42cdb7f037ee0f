import { DEFAULT_DEADLINE_MS, DEFAULT_ENDPOINT_PATH, DEFAULT_MAX_RESPONSE_BYTES } from '@lib/alexa-skill';
import type { CertificateSourceSetting } from '@lib/alexa-verification';
import { METRICS_SERVER_DEFAULTS } from '@lib/metrics';
import { DEFAULT_MUSIC_API_BASE_URL } from '@lib/music';
import { DEFAULT_LOG_LEVEL, HTTP_SERVER_DEFAULTS } from '@lib/service-runtime';
import { z } from 'zod';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes');
const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const optionalInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();
const port = (fallback: number) => int(fallback, 0, 65_535);
const otlpUrl = z.url({
  protocol: /^https?$/,
  error: 'must be an http:// or https:// URL of an OTLP/HTTP collector',
});

/**
 * Every environment variable the service reads, with its default. The README's configuration table
 * lists the same names (a test keeps the two in sync).
 */
export const envVariables = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('production'),
  PORT: port(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  ALEXA_ENDPOINT_PATH: z
    .string()
    .regex(/^\/[A-Za-z0-9/_-]*$/, 'must be a path such as /alexa')
    .default(DEFAULT_ENDPOINT_PATH),
  METRICS_PORT: port(METRICS_SERVER_DEFAULTS.port),
  METRICS_HOST: z.string().min(1).default(METRICS_SERVER_DEFAULTS.host),
  METRICS_PREFIX: z
    .string()
    .regex(/^([a-zA-Z_][a-zA-Z0-9_]*)?$/, 'must be a Prometheus metric name prefix')
    .default(''),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default(DEFAULT_LOG_LEVEL),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 0, 600_000),
  BODY_LIMIT_BYTES: int(HTTP_SERVER_DEFAULTS.bodyLimit, 1024, 10_485_760),
  REQUEST_TIMEOUT_MS: int(HTTP_SERVER_DEFAULTS.requestTimeoutMs, 100, 600_000),
  KEEP_ALIVE_TIMEOUT_MS: int(HTTP_SERVER_DEFAULTS.keepAliveTimeoutMs, 1000, 3_600_000),
  MAX_CONNECTIONS: int(HTTP_SERVER_DEFAULTS.maxConnections, 0, 1_000_000),
  TRUST_PROXY: bool(false),
  ALEXA_DEADLINE_MS: int(DEFAULT_DEADLINE_MS, 500, 8000),
  ALEXA_MAX_RESPONSE_BYTES: int(DEFAULT_MAX_RESPONSE_BYTES, 1024, 10_485_760),
  // Request verification (libs/alexa-verification).
  ALEXA_VERIFY: bool(true),
  ALEXA_SKILL_ID: z.string().optional(),
  ALEXA_CERT_SOURCE: z
    .string()
    .regex(/^(https|file:.+)$/, 'must be "https" or "file:<dir>"')
    .default('https')
    .transform((value): CertificateSourceSetting =>
      value === 'https' ? 'https' : { dir: value.slice('file:'.length) },
    ),
  ALEXA_TRUSTED_CA_FILE: z.string().optional(),
  ALEXA_REPLAY_PROTECTION: bool(true),
  // State shared across pods (libs/state-store): replay protection, skill-event dedupe, persistent attributes.
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be redis://[user:password@]host:port/db or rediss://…' })
    .optional(),
  STATE_KEY_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  STATE_COMMAND_TIMEOUT_MS: optionalInt(5, 250),
  STATE_ATTRIBUTES_TTL_SECONDS: optionalInt(60, 31_536_000),
  // Calls to the Alexa API: progressive responses and ask-sdk's service clients (libs/alexa-skill).
  PROGRESSIVE_RESPONSE_DELAY_MS: int(1000, 0, 8000),
  ALEXA_API_ENDPOINT_ALLOW_ANY: bool(false),
  // The music API (libs/music); unset MUSIC_API_* tuning keeps the resilient client's defaults.
  MUSIC_API_BASE_URL: z.url({ protocol: /^https?$/ }).default(DEFAULT_MUSIC_API_BASE_URL),
  MUSIC_API_TOTAL_BUDGET_MS: optionalInt(50, 8000),
  MUSIC_API_ATTEMPT_TIMEOUT_MS: optionalInt(10, 8000),
  MUSIC_API_MAX_RETRIES: optionalInt(0, 10),
  MUSIC_API_RETRY_BASE_DELAY_MS: optionalInt(0, 5000),
  MUSIC_API_RETRY_MAX_DELAY_MS: optionalInt(0, 8000),
  MUSIC_API_BREAKER_FAILURES: optionalInt(1, 1000),
  MUSIC_API_BREAKER_HALF_OPEN_AFTER_MS: optionalInt(100, 600_000),
  MUSIC_API_MAX_CONCURRENT: optionalInt(1, 100_000),
  // Tracing is on when an OTLP endpoint is set: the service reads these three to decide whether to load the
  // OpenTelemetry SDK at all; the SDK reads them again with the other OTEL_* variables (README: Tracing).
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl.optional(),
  // The SDK's own reading: only "true" (any case) turns it off; anything but true or false is refused here.
  OTEL_SDK_DISABLED: z.stringbool({ truthy: ['true'], falsy: ['false'] }).default(false),
});

type Environment = z.output<typeof envVariables>;
type NodeEnv = Environment['NODE_ENV'];

/**
 * Settings that let something other than Amazon's signed requests through, and the NODE_ENV values that allow
 * them. `production` allows none. `test` (the test suites and the benchmark) runs every check, possibly against a
 * development CA. `development` (the demo) may also turn verification off.
 */
const LOOSENING_SETTINGS: ReadonlyArray<{
  variable: keyof Environment;
  setting: string;
  applies: (env: Environment) => boolean;
  allowedIn: readonly NodeEnv[];
}> = [
  {
    variable: 'ALEXA_VERIFY',
    setting: 'false',
    applies: (env) => !env.ALEXA_VERIFY,
    allowedIn: ['development'],
  },
  {
    variable: 'ALEXA_CERT_SOURCE',
    setting: 'file:<dir>',
    applies: (env) => env.ALEXA_CERT_SOURCE !== 'https',
    allowedIn: ['development', 'test'],
  },
  {
    variable: 'ALEXA_TRUSTED_CA_FILE',
    setting: 'a CA file',
    applies: (env) => env.ALEXA_TRUSTED_CA_FILE !== undefined,
    allowedIn: ['development', 'test'],
  },
  {
    variable: 'ALEXA_REPLAY_PROTECTION',
    setting: 'false',
    applies: (env) => !env.ALEXA_REPLAY_PROTECTION,
    allowedIn: ['development', 'test'],
  },
  {
    variable: 'ALEXA_API_ENDPOINT_ALLOW_ANY',
    setting: 'true',
    applies: (env) => env.ALEXA_API_ENDPOINT_ALLOW_ANY,
    allowedIn: ['development', 'test'],
  },
];

export const envSchema = envVariables
  .superRefine((env, ctx) => {
    for (const { variable, setting, applies, allowedIn } of LOOSENING_SETTINGS) {
      if (applies(env) && !allowedIn.includes(env.NODE_ENV)) {
        ctx.addIssue({
          code: 'custom',
          path: [variable],
          message: `${setting} is refused with NODE_ENV=${env.NODE_ENV} (allowed only with NODE_ENV=${allowedIn.join(' or ')})`,
        });
      }
    }
    if (env.NODE_ENV === 'production' && !env.ALEXA_SKILL_ID?.split(',').some((id) => id.trim() !== '')) {
      ctx.addIssue({
        code: 'custom',
        path: ['ALEXA_SKILL_ID'],
        message: 'required with NODE_ENV=production (comma-separated skill IDs, amzn1.ask.skill....)',
      });
    }
    // Without it every pod would use the published development key: anyone could tie keys to user IDs.
    if (env.NODE_ENV === 'production' && env.REDIS_URL && !env.STATE_KEY_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['STATE_KEY_SECRET'],
        message: 'is required when REDIS_URL is set and NODE_ENV=production',
      });
    }
  })
  .transform((env) => ({
    ...env,
    LOG_FORMAT: env.LOG_FORMAT ?? (env.NODE_ENV === 'development' ? 'pretty' : 'json'),
  }));

export type AppConfig = z.output<typeof envSchema>;

/** Whether the service traces: an OTLP endpoint is set and the SDK is not disabled (`OTEL_SDK_DISABLED`). */
export function tracingEnabled(config: AppConfig): boolean {
  const endpoint = config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? config.OTEL_EXPORTER_OTLP_ENDPOINT;
  return endpoint !== undefined && !config.OTEL_SDK_DISABLED;
}

/** Thrown when the environment is invalid; its message names every offending variable. */
export class ConfigurationError extends Error {
  constructor(
    readonly problems: string[],
    /** The variables concerned, in the order of `problems`. */
    readonly variables: string[] = [],
  ) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/** Validates the environment (unknown variables are ignored: the process environment holds many). */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  // An empty variable means "not set", as in most deployment tools.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const names = result.error.issues.map((issue) => issue.path.join('.') || '(root)');
    throw new ConfigurationError(
      result.error.issues.map((issue, i) => `${names[i]}: ${issue.message}`),
      [...new Set(names)],
    );
  }
  return result.data;
}
