import type { ModuleMetadata } from '@nestjs/common';
import type { AccountLinkingModuleOptions } from '@lib/account-linking';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MetricsServer } from '@lib/metrics';
import { Writable } from 'node:stream';
import type { AppModuleExtras } from '../../apps/skill-service/src/app.module';
import { createApp } from '../../apps/skill-service/src/bootstrap';
import { loadConfig } from '../../apps/skill-service/src/config/env.schema';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlexaRequestBuilder, DEFAULT_SKILL_ID } from '../../tools/alexa-request/envelope.ts';
import { type SigningIdentity, signRequest } from '../../tools/alexa-request/sign.ts';
import { type DevCertPaths, ensureDevCerts, loadDevSigningIdentity } from '../../tools/dev-certs.ts';

/** Collects every log line the app writes, so tests can assert what is (not) logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    this.emit('lines');
    callback();
  }

  /** Resolves once `condition` holds for the lines captured so far, checked after every write. */
  until(condition: (lines: readonly string[]) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (!condition(this.lines)) return;
        this.off('lines', check);
        resolve();
      };
      this.on('lines', check);
      check();
    });
  }

  text(): string {
    return this.lines.join('\n');
  }

  entries(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

export interface TestAppOptions {
  /** Environment variables on top of the test defaults. */
  env?: Record<string, string>;
  /** Sign requests sent with `alexa()` like Amazon (with the test development CA). @default true */
  sign?: boolean;
  imports?: ModuleMetadata['imports'];
  /** The app's feature modules instead of its own list (their settings validated with the app's). */
  features?: AppModuleExtras['features'];
  /** Account-linking options (the app always wires the module). */
  accountLinking?: AccountLinkingModuleOptions;
  /** The started OpenTelemetry SDK (`startTracingSdk()`), shut down when the app closes. @default off */
  tracing?: AppModuleExtras['tracing'];
}

export interface TestApp {
  app: NestFastifyApplication;
  logs: LogCapture;
  /** POSTs a request envelope (or raw body) to the skill endpoint. */
  alexa(
    body: AlexaRequestBuilder | string | object,
    headers?: Record<string, string>,
  ): Promise<{ statusCode: number; json: () => any; body: string }>;
  /** The text of `GET /metrics` from the management server. */
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/** The real app (real Fastify, real modules) with test-friendly defaults: ephemeral ports, captured logs. */
/** The response of the built-in apology (en-US): what a failing handler's user hears. */
export const BUILT_IN_APOLOGY = Object.freeze({
  outputSpeech: {
    type: 'SSML',
    ssml: '<speak>Sorry, something went wrong. Please try again later.</speak>',
  },
  shouldEndSession: true,
});

/** What every in-process test app runs with: JSON logs the tests read, free ports, metrics on loopback. */
export const TEST_SERVICE_ENV = {
  NODE_ENV: 'test',
  LOG_FORMAT: 'json',
  LOG_LEVEL: 'info',
  PORT: '0',
  METRICS_PORT: '0',
  METRICS_HOST: '127.0.0.1',
} as const;

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const certs = await testCertificates();
  const config = loadConfig(
    {
      ...TEST_SERVICE_ENV,
      // Verification is ON, as in production, against a development CA made for this test process:
      // the chain is read from a folder instead of downloaded; every other check is the real one.
      ALEXA_VERIFY: 'true',
      ALEXA_CERT_SOURCE: `file:${certs.dir}`,
      ALEXA_TRUSTED_CA_FILE: certs.caFile,
      ALEXA_SKILL_ID: DEFAULT_SKILL_ID,
      ...options.env,
    },
    options.features,
  );
  const logs = new LogCapture();
  const app = await createApp(config, {
    features: options.features,
    imports: options.imports,
    logDestination: logs,
    accountLinking: options.accountLinking,
    tracing: options.tracing,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const endpoint = config.ALEXA_ENDPOINT_PATH;
  return {
    app,
    logs,
    async alexa(body, headers = {}) {
      const payload =
        body instanceof AlexaRequestBuilder
          ? body.body()
          : typeof body === 'string'
            ? body
            : JSON.stringify(body);
      const signature = options.sign === false ? {} : signRequest(payload, certs.identity);
      const res = await app.inject({
        method: 'POST',
        url: endpoint,
        headers: { 'content-type': 'application/json; charset=utf-8', ...signature, ...headers },
        payload,
      });
      return { statusCode: res.statusCode, body: res.body, json: () => res.json() };
    },
    async metrics() {
      const port = app.get(MetricsServer).port();
      return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    },
    close: () => app.close(),
  };
}

let certificates: Promise<DevCertPaths & { identity: SigningIdentity }> | undefined;

/** One development CA and signing certificate per test process (key generation is the slow part). */
function testCertificates(): Promise<DevCertPaths & { identity: SigningIdentity }> {
  certificates ??= (async () => {
    const dir = join(tmpdir(), `alexa-skill-test-certs-${process.pid}`);
    const paths = await ensureDevCerts(dir);
    return { ...paths, identity: await loadDevSigningIdentity(dir) };
  })();
  return certificates;
}

/** The value of one sample in Prometheus text output, or 0 when absent. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) found[pair[1]] = pair[2];
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return 0;
}
