import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MusicModule } from '@lib/music';
import { resilientClientSettings } from '@lib/resilient-http';
import type { FeatureModule } from '@lib/service-runtime';
import { configurationTable, TABLE_END, TABLE_START } from './configuration-table';
import { ConfigurationError, environmentVariables, loadConfig, tracingEnabled } from './env.schema';

/**
 * The core's rules are checked with the product's own module only, so a team's generated module in
 * FEATURE_MODULES (which may require its base URL in production) does not change what these cases expect.
 */
const load = (env: Record<string, string | undefined>) => loadConfig(env, [MusicModule]);

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = load({ ALEXA_SKILL_ID: 'amzn1.ask.skill.x' });
    expect(config).toMatchObject({
      NODE_ENV: 'production',
      PORT: 3000,
      HOST: '0.0.0.0',
      ALEXA_ENDPOINT_PATH: '/alexa',
      METRICS_PORT: 9464,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      SHUTDOWN_TIMEOUT_MS: 10_000,
      BODY_LIMIT_BYTES: 131_072,
      REQUEST_TIMEOUT_MS: 5_000,
      MAX_CONNECTIONS: 1_000,
    });
  });

  it('turns ALEXA_CERT_SOURCE into the verification setting', () => {
    expect(load({ NODE_ENV: 'test' }).ALEXA_CERT_SOURCE).toBe('https');
    expect(load({ NODE_ENV: 'test', ALEXA_CERT_SOURCE: 'file:.dev-certs' }).ALEXA_CERT_SOURCE).toEqual({
      dir: '.dev-certs',
    });
  });

  it('uses pretty logs in development unless told otherwise', () => {
    expect(load({ NODE_ENV: 'development' }).LOG_FORMAT).toBe('pretty');
    expect(load({ NODE_ENV: 'development', LOG_FORMAT: 'json' }).LOG_FORMAT).toBe('json');
  });

  it('treats empty variables as unset', () => {
    expect(load({ NODE_ENV: 'test', PORT: '' }).PORT).toBe(3000);
  });

  it('names every invalid variable in one clear message', () => {
    let error: unknown;
    try {
      load({ PORT: 'eighty', BODY_LIMIT_BYTES: '-1', ALEXA_ENDPOINT_PATH: 'alexa', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'BODY_LIMIT_BYTES', 'ALEXA_ENDPOINT_PATH', 'LOG_LEVEL'])
      expect(message).toContain(`${name}:`);
    expect((error as ConfigurationError).variables).toEqual(
      expect.arrayContaining(['PORT', 'BODY_LIMIT_BYTES', 'ALEXA_ENDPOINT_PATH', 'LOG_LEVEL']),
    );
  });
});

describe('what each NODE_ENV allows', () => {
  const loosening = {
    ALEXA_VERIFY: 'false',
    ALEXA_CERT_SOURCE: 'file:.dev-certs',
    ALEXA_TRUSTED_CA_FILE: '.dev-certs/dev-ca.pem',
    ALEXA_REPLAY_PROTECTION: 'false',
    ALEXA_API_ENDPOINT_ALLOW_ANY: 'true',
  };
  const refused = (env: Record<string, string>): string[] => {
    try {
      load(env);
      return [];
    } catch (error) {
      return (error as ConfigurationError).variables;
    }
  };

  it('production refuses every setting that lets anything but Amazon through, naming each variable', () => {
    expect(refused({ NODE_ENV: 'production', ...loosening }).sort()).toEqual(
      [...Object.keys(loosening), 'ALEXA_SKILL_ID'].sort(),
    );
    for (const [name, value] of Object.entries(loosening)) {
      expect(refused({ NODE_ENV: 'production', ALEXA_SKILL_ID: 'amzn1.ask.skill.x', [name]: value })).toEqual(
        [name],
      );
    }
  });

  it('production needs a skill ID', () => {
    expect(refused({ NODE_ENV: 'production' })).toEqual(['ALEXA_SKILL_ID']);
    expect(refused({ NODE_ENV: 'production', ALEXA_SKILL_ID: ' , ' })).toEqual(['ALEXA_SKILL_ID']);
    expect(refused({ NODE_ENV: 'production', ALEXA_SKILL_ID: 'amzn1.ask.skill.x' })).toEqual([]);
  });

  it('test runs every check: a development CA, no replay protection and any API endpoint, but never unverified', () => {
    expect(refused({ NODE_ENV: 'test', ...loosening })).toEqual(['ALEXA_VERIFY']);
    expect(refused({ NODE_ENV: 'test', ...loosening, ALEXA_VERIFY: 'true' })).toEqual([]);
  });

  it('development allows all of them', () => {
    expect(refused({ NODE_ENV: 'development', ...loosening })).toEqual([]);
  });
});

describe('the shared state settings', () => {
  const message = (env: Record<string, string>): string => {
    try {
      load(env);
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  };

  it('require STATE_KEY_SECRET with REDIS_URL in production, not in development', () => {
    const production = { ALEXA_SKILL_ID: 'amzn1.ask.skill.x' };
    expect(message({ ...production, REDIS_URL: 'redis://cache:6379/0' })).toContain(
      'STATE_KEY_SECRET: is required when REDIS_URL is set and NODE_ENV=production',
    );
    expect(
      message({ ...production, REDIS_URL: 'rediss://u:p@cache:6380/1', STATE_KEY_SECRET: 'x'.repeat(32) }),
    ).toBe('');
    expect(message({ NODE_ENV: 'development', REDIS_URL: 'redis://localhost:6379' })).toBe('');
    expect(message(production)).toBe('');
  });

  it('accept only redis:// and rediss:// URLs, a 16-character secret and a command timeout up to 250 ms', () => {
    expect(message({ NODE_ENV: 'test', REDIS_URL: 'http://cache:6379' })).toContain('REDIS_URL:');
    expect(message({ NODE_ENV: 'test', STATE_KEY_SECRET: 'short' })).toContain('STATE_KEY_SECRET:');
    expect(message({ NODE_ENV: 'test', STATE_COMMAND_TIMEOUT_MS: '1000' })).toContain(
      'STATE_COMMAND_TIMEOUT_MS:',
    );
  });
});

describe('the tracing switch', () => {
  const traced = (env: Record<string, string>) => tracingEnabled(load({ NODE_ENV: 'test', ...env }));

  it('is on with an OTLP endpoint (either variable), off without one or with OTEL_SDK_DISABLED=true', () => {
    expect(traced({})).toBe(false);
    expect(traced({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(traced({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector/v1/traces' })).toBe(true);
    expect(traced({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' })).toBe(
      false,
    );
    expect(traced({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'false' })).toBe(
      true,
    );
  });

  it('refuses an endpoint that is not an http(s) URL and a disable flag that is not true or false', () => {
    const refused = (env: Record<string, string>) => () => load({ NODE_ENV: 'test', ...env });
    expect(refused({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:\/\/ or https:\/\/ URL/,
    );
    expect(refused({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://collector:4317' })).toThrow(
      /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT:/,
    );
    expect(refused({ OTEL_SDK_DISABLED: 'yes' })).toThrow(/OTEL_SDK_DISABLED:/);
  });
});

/** A feature module as a domain team writes one: its resilient client's settings under its own prefix. */
const bankFeature = {
  settings: resilientClientSettings({ envPrefix: 'BANK_API', upstream: 'the bank API' }),
  forRoot: () => ({ module: class BankModule {} }),
} satisfies FeatureModule<unknown>;
const features = [MusicModule, bankFeature];

describe("the feature modules' settings", () => {
  const refused = (env: Record<string, string>): ConfigurationError => {
    try {
      loadConfig(env, features);
    } catch (error) {
      return error as ConfigurationError;
    }
    throw new Error('accepted');
  };

  it("are validated with the app's, each refusal naming its variable", () => {
    const error = refused({
      NODE_ENV: 'test',
      PORT: 'x',
      BANK_API_TOTAL_BUDGET_MS: '20',
      MUSIC_API_MAX_RETRIES: '11',
    });
    expect(error.variables.sort()).toEqual(['BANK_API_TOTAL_BUDGET_MS', 'MUSIC_API_MAX_RETRIES', 'PORT']);
    expect(error.message).toContain('BANK_API_TOTAL_BUDGET_MS: ');
  });

  it('need a base URL in production when the module has no default, and not elsewhere', () => {
    const production = { NODE_ENV: 'production', ALEXA_SKILL_ID: 'amzn1.ask.skill.x' };
    expect(refused(production).problems).toEqual([
      'BANK_API_BASE_URL: required with NODE_ENV=production (the bank API)',
    ]);
    expect(() =>
      loadConfig({ ...production, BANK_API_BASE_URL: 'https://bank.example' }, features),
    ).not.toThrow();
    expect(() => loadConfig({ NODE_ENV: 'test' }, features)).not.toThrow();
  });

  it("hand each module its typed options, with the client's defaults for unset variables", () => {
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        BANK_API_BASE_URL: 'http://127.0.0.1:4010',
        BANK_API_MAX_CONCURRENT: '20',
        BANK_API_MAX_RETRIES: '0',
      },
      features,
    );
    expect(bankFeature.settings.options(config)).toEqual({
      baseURL: 'http://127.0.0.1:4010',
      totalBudgetMs: 2500,
      attemptTimeoutMs: 1000,
      retry: { maxRetries: 0, baseDelayMs: 100, maxDelayMs: 1000 },
      circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 10_000 },
      bulkhead: { maxConcurrent: 20 },
    });
    expect(MusicModule.settings.options(config).api).toMatchObject({
      baseURL: 'https://api.spotify.com',
      bulkhead: undefined,
    });
  });

  it('refuse a variable two modules declare', () => {
    expect(() => loadConfig({ NODE_ENV: 'test' }, [MusicModule, MusicModule])).toThrow(
      'the environment variable MUSIC_API_BASE_URL is declared twice',
    );
  });

  it('come into the README table', () => {
    expect(configurationTable(features)).toContain(
      '| `BANK_API_BASE_URL` | (empty: required in production) | Base URL of the bank API. |',
    );
  });
});

describe('the README configuration tables', () => {
  const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  const configuration = section.slice(0, section.indexOf('\n## ', 5));
  const [serviceTable, sdkTable = ''] = configuration.split(
    '\n### Tracing: variables read by the OpenTelemetry SDK',
  );
  const variables = (table: string) => [...table.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
  const owned = Object.keys(environmentVariables().shape);

  it('is the table generated from the settings schemas (run npm run docs:config after changing them)', () => {
    const generated = serviceTable.slice(
      serviceTable.indexOf(TABLE_START) + TABLE_START.length + 1,
      serviceTable.indexOf(TABLE_END) - 1,
    );
    expect(generated).toBe(configurationTable());
    expect(variables(generated).sort()).toEqual([...owned].sort());
  });

  it('lists apart the OTEL_ variables only the OpenTelemetry SDK reads, each one the installed SDK does read', () => {
    const sdkVariables = variables(sdkTable);
    expect(sdkVariables).toEqual(
      expect.arrayContaining(['OTEL_TRACES_SAMPLER', 'OTEL_EXPORTER_OTLP_PROTOCOL']),
    );
    expect(sdkVariables.filter((name) => !name.startsWith('OTEL_') || owned.includes(name))).toEqual([]);
    // The names as the SDK's code spells them: a variable a new SDK version no longer reads fails here.
    const sdkCode = ['sdk-node', 'otlp-exporter-base', 'resources']
      .flatMap((pkg) => sourceFiles(join(__dirname, '../../../../node_modules/@opentelemetry', pkg, 'dist')))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    expect(sdkVariables.filter((name) => !sdkCode.includes(`"${name}"`))).toEqual([]);
  });
});

/** The CommonJS files under `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.cjs'))
    .map((file) => join(dir, file));
}
