import { DEFAULT_DEADLINE_MS, DEFAULT_ENDPOINT_PATH, DEFAULT_MAX_RESPONSE_BYTES } from '@lib/alexa-skill';
import type { CertificateSourceSetting } from '@lib/alexa-verification';
import { METRICS_SERVER_DEFAULTS } from '@lib/metrics';
import { DEFAULT_LOG_LEVEL, type FeatureModule, HTTP_SERVER_DEFAULTS } from '@lib/service-runtime';
import { z } from 'zod';
import { FEATURE_MODULES } from '../feature-modules';

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
 * The environment variables of the app's own libraries, with their defaults and, in `.meta()`, what the README's
 * configuration table says of them (`npm run docs:config` writes it). Feature modules add their own
 * (`FEATURE_MODULES`); `loadConfig` validates all of them in one pass.
 */
export const envVariables = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('production').meta({
    description:
      "`production`, `development` or `test`. Production refuses every setting that lets anything but Amazon's signed requests through (marked below); `test` (test suites, benchmark) allows them except `ALEXA_VERIFY=false`; `development` allows all.",
  }),
  PORT: port(3000).meta({ description: 'Port of the skill endpoint and health probes.' }),
  HOST: z.string().min(1).default('0.0.0.0').meta({ description: 'Interface the app binds to.' }),
  ALEXA_ENDPOINT_PATH: z
    .string()
    .regex(/^\/[A-Za-z0-9/_-]*$/, 'must be a path such as /alexa')
    .default(DEFAULT_ENDPOINT_PATH)
    .meta({ description: 'Route of the skill endpoint (`POST`).' }),
  METRICS_PORT: port(METRICS_SERVER_DEFAULTS.port).meta({
    description: 'Port of the management server (`GET /metrics`), never routed by the ingress.',
  }),
  METRICS_HOST: z
    .string()
    .min(1)
    .default(METRICS_SERVER_DEFAULTS.host)
    .meta({ description: 'Interface the management server binds to.' }),
  METRICS_PREFIX: z
    .string()
    .regex(/^([a-zA-Z_][a-zA-Z0-9_]*)?$/, 'must be a Prometheus metric name prefix')
    .default('')
    .meta({ description: 'Prefix of the default process metrics (`process_*`, `nodejs_*`).' }),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default(DEFAULT_LOG_LEVEL)
    .meta({ description: 'pino level: `fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`.' }),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional().meta({
    description: '`json` (one JSON object per line) or `pretty`.',
    defaultText: '`pretty` in development, else `json`',
  }),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 0, 600_000).meta({
    description: 'Longest drain after SIGTERM before the process exits 1.',
  }),
  BODY_LIMIT_BYTES: int(HTTP_SERVER_DEFAULTS.bodyLimit, 1024, 10_485_760).meta({
    description: 'Largest request body; larger ones get 413.',
  }),
  REQUEST_TIMEOUT_MS: int(HTTP_SERVER_DEFAULTS.requestTimeoutMs, 100, 600_000).meta({
    description:
      "Longest time to receive a whole request, headers included (408 and a close after it). Alexa's whole exchange must fit in 8 s; a request still arriving after 5 s only holds memory.",
  }),
  KEEP_ALIVE_TIMEOUT_MS: int(HTTP_SERVER_DEFAULTS.keepAliveTimeoutMs, 1000, 3_600_000).meta({
    description:
      "Idle keep-alive timeout; longer than the ingress's (nginx: 60 s) so the proxy closes first.",
  }),
  MAX_CONNECTIONS: int(HTTP_SERVER_DEFAULTS.maxConnections, 0, 1_000_000).meta({
    description:
      "Most concurrent connections per pod; more are closed on arrival (0: unlimited). Each may hold a whole body, so this bounds what stalled senders take: 1,000 × (128 KiB + 16 KiB) over the 160 MiB the service needs fits the image's 320 MiB. The chart derives it from the pod's memory ([docs/deploy.md](docs/deploy.md#memory-and-connections)).",
  }),
  TRUST_PROXY: bool(false).meta({ description: 'Trust `X-Forwarded-*` headers from the ingress.' }),
  ALEXA_DEADLINE_MS: int(DEFAULT_DEADLINE_MS, 500, 8000).meta({
    description: 'Per-request deadline handlers and upstream calls work within (Alexa gives up after 8 s).',
  }),
  ALEXA_MAX_RESPONSE_BYTES: int(DEFAULT_MAX_RESPONSE_BYTES, 1024, 10_485_760).meta({
    description: 'Largest response envelope (Amazon: 120 KB); larger answers become the apology.',
  }),
  // Request verification (libs/alexa-verification).
  ALEXA_VERIFY: bool(true).meta({
    description: 'Verify that requests come from Amazon. `false` only with `NODE_ENV=development`.',
  }),
  ALEXA_SKILL_ID: z
    .string()
    .optional()
    .meta({ description: 'Accepted skill IDs, comma-separated. Required in production.' }),
  ALEXA_CERT_SOURCE: z
    .string()
    .regex(/^(https|file:.+)$/, 'must be "https" or "file:<dir>"')
    .default('https')
    .transform((value): CertificateSourceSetting =>
      value === 'https' ? 'https' : { dir: value.slice('file:'.length) },
    )
    .meta({
      description:
        "`https` downloads Amazon's chain; `file:<dir>` reads `<dir>/<last URL segment>` (development only).",
    }),
  ALEXA_TRUSTED_CA_FILE: z.string().optional().meta({
    description:
      "PEM file of extra trusted CAs, added to Node's root store (the demo's development CA). Refused in production.",
  }),
  ALEXA_REPLAY_PROTECTION: bool(true).meta({
    description:
      'Refuse a second Launch/Intent/SessionEnded request with the same request ID (across pods with `REDIS_URL`). `false` is refused in production.',
  }),
  // State shared across pods (libs/state-store): replay protection, skill-event dedupe, persistent attributes.
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be redis://[user:password@]host:port/db or rediss://…' })
    .optional()
    .meta({
      description:
        "Redis shared by the pods (`redis://[user:password@]host:port/db`, `rediss://` for TLS): replay protection, skill-event dedupe, persistent attributes. Empty: kept in each pod's memory. See [docs/scale-out.md](docs/scale-out.md).",
    }),
  STATE_KEY_SECRET: z.string().min(16, 'must be at least 16 characters').optional().meta({
    description:
      'HMAC key of user IDs in state keys (16+ characters). Required in production when `REDIS_URL` is set.',
    defaultText: '(development key)',
  }),
  STATE_COMMAND_TIMEOUT_MS: optionalInt(5, 250).meta({
    description: "Longest wait for one Redis command (5-250) before the pod's fallback answers.",
    defaultText: '`100`',
  }),
  STATE_ATTRIBUTES_TTL_SECONDS: optionalInt(60, 31_536_000).meta({
    description: "How long a user's persistent attributes live after their last save (30 days).",
    defaultText: '`2592000`',
  }),
  // Calls to the Alexa API: progressive responses and ask-sdk's service clients (libs/alexa-skill).
  PROGRESSIVE_RESPONSE_DELAY_MS: int(1000, 0, 8000).meta({
    description: 'How long upstream work may run before Alexa says "One moment..." (progressive response).',
  }),
  ALEXA_API_ENDPOINT_ALLOW_ANY: bool(false).meta({
    description:
      "Send progressive responses and service-client calls (`handlerInput.serviceClientFactory`) to any `apiEndpoint`, not only Amazon's API hosts (tests, demo). Refused in production.",
  }),
  // Tracing is on when an OTLP endpoint is set: the service reads these three to decide whether to load the
  // OpenTelemetry SDK at all; the SDK reads them again with the other OTEL_* variables (README: Tracing).
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl.optional().meta({
    description:
      'Base URL of the OTLP/HTTP collector, e.g. `http://otel-collector.observability:4318` (traces go to `/v1/traces`). Set, it turns tracing on: the OpenTelemetry SDK is loaded and reads the variables of the next section. Unset, the SDK is never loaded.',
    defaultText: '(empty: tracing off)',
  }),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl
    .optional()
    .meta({ description: 'The full traces URL instead (used as it is); also turns tracing on.' }),
  // The SDK's own reading: only "true" (any case) turns it off; anything but true or false is refused here.
  OTEL_SDK_DISABLED: z
    .stringbool({ truthy: ['true'], falsy: ['false'] })
    .default(false)
    .meta({ description: '`true` keeps tracing off whatever the endpoint says.', defaultText: '`false`' }),
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

/** The variables of the app's libraries and of every feature module; a name declared twice stops the start. */
export function environmentVariables(features: readonly FeatureModule<unknown>[] = FEATURE_MODULES) {
  const variables: Record<string, z.core.$ZodType> = { ...envVariables.shape };
  for (const { settings } of features) {
    for (const [name, schema] of Object.entries(settings.variables)) {
      if (name in variables) throw new Error(`the environment variable ${name} is declared twice`);
      variables[name] = schema;
    }
  }
  return z.object(variables);
}

/** The app's one validation: every variable, the refusals across variables, each feature module's checks. */
export function environmentSchema(features: readonly FeatureModule<unknown>[] = FEATURE_MODULES) {
  return environmentVariables(features)
    .superRefine((parsed, ctx) => {
      const env = parsed as Environment & Readonly<Record<string, unknown>>;
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
      const context = { production: env.NODE_ENV === 'production' };
      for (const { settings } of features) {
        for (const problem of settings.check?.(env, context) ?? []) {
          ctx.addIssue({ code: 'custom', path: [problem.variable], message: problem.message });
        }
      }
    })
    .transform((parsed) => {
      const env = parsed as Environment & Readonly<Record<string, unknown>>;
      return { ...env, LOG_FORMAT: env.LOG_FORMAT ?? (env.NODE_ENV === 'development' ? 'pretty' : 'json') };
    });
}

/** The validated configuration: the app's variables typed, every feature module's by name. */
export type AppConfig = z.output<ReturnType<typeof environmentSchema>>;

/** Whether the service traces: an OTLP endpoint is set and the SDK is not disabled (`OTEL_SDK_DISABLED`). */
export function tracingEnabled(config: AppConfig): boolean {
  const endpoint = config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? config.OTEL_EXPORTER_OTLP_ENDPOINT;
  return endpoint !== undefined && !config.OTEL_SDK_DISABLED;
}

/** Thrown when the environment is invalid; its message names every offending variable. */
export class ConfigurationError extends Error {
  constructor(
    readonly problems: string[],
    /** The variables concerned, each once, in the order they first appear in `problems`. */
    readonly variables: string[] = [],
  ) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/** Validates the environment (unknown variables are ignored: the process environment holds many). */
export function loadConfig(
  env: Record<string, string | undefined>,
  features: readonly FeatureModule<unknown>[] = FEATURE_MODULES,
): AppConfig {
  // An empty variable means "not set", as in most deployment tools.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = environmentSchema(features).safeParse(present);
  if (!result.success) {
    const names = result.error.issues.map((issue) => issue.path.join('.') || '(root)');
    throw new ConfigurationError(
      result.error.issues.map((issue, i) => `${names[i]}: ${issue.message}`),
      [...new Set(names)],
    );
  }
  return result.data;
}
