import type { ModuleMetadata } from '@nestjs/common';
import type { AccountLinkingModuleOptions } from '@lib/account-linking';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MetricsServer } from '@lib/metrics';
import { Writable } from 'node:stream';
import { createApp } from '../../apps/skill-service/src/bootstrap';
import { loadConfig } from '../../apps/skill-service/src/config/env.schema';
import { AlexaRequestBuilder } from '../../tools/alexa-request/envelope.ts';

/** Collects every log line the app writes, so tests can assert what is (not) logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    callback();
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
  imports?: ModuleMetadata['imports'];
  /** Account-linking options (the app always wires the module). */
  accountLinking?: AccountLinkingModuleOptions;
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
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    PORT: '0',
    METRICS_PORT: '0',
    METRICS_HOST: '127.0.0.1',
    ...options.env,
  });
  const logs = new LogCapture();
  const app = await createApp(config, {
    imports: options.imports,
    logDestination: logs,
    accountLinking: options.accountLinking,
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
      const res = await app.inject({
        method: 'POST',
        url: endpoint,
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
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
