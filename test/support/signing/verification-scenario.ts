import type { ModuleMetadata } from '@nestjs/common';
import type { CertificateSource, VerificationCheck } from '@lib/alexa-verification';
import {
  alexaRequest,
  DEFAULT_SKILL_ID,
  type AlexaRequestBuilder,
} from '../../../tools/alexa-request/envelope.ts';
import { CertificateServer } from './certificate-server';
import { MappedCertificateSource } from './mapped-certificate-source';
import { PinnedClock } from './pinned-clock';
import { signedRequest, type SignedRequest, type SignedRequestBuilder } from './signed-request';
import { TestPki } from './test-pki';
import { createVerificationTestApp, type Reply, type VerificationTestApp } from './verification-test-app';

export const REFUSAL_BODY = { error: 'request verification failed' };
export const TEST_CERT_PATH = '/echo.api/echo-api-cert-test.pem';
export const TEST_CERT_URL = `https://s3.amazonaws.com${TEST_CERT_PATH}`;

export interface ScenarioOptions {
  env?: Record<string, string>;
  imports?: ModuleMetadata['imports'];
  /** Download deadline of the test certificate source. @default 500 */
  certFetchTimeoutMs?: number;
  /** Size cap of the test certificate source. @default 65536 */
  certMaxBytes?: number;
  overrides?: ReadonlyArray<readonly [token: unknown, value: unknown]>;
  /** Puts a source in front of the local "S3" (e.g. a {@link HeldCertificateSource} for a slow S3). */
  wrapSource?: (source: MappedCertificateSource) => CertificateSource;
}

/**
 * One end-to-end setting: generated certificates (a trusted test root passed as `ALEXA_TRUSTED_CA_FILE`), a
 * local HTTPS server standing in for s3.amazonaws.com, the real app with a pinned clock, and assertions that
 * read the failure metric from the management server.
 */
export class VerificationScenario {
  private constructor(
    readonly pki: TestPki,
    readonly server: CertificateServer,
    readonly source: MappedCertificateSource,
    readonly clock: PinnedClock,
    readonly t: VerificationTestApp,
  ) {}

  static async start(options: ScenarioOptions = {}): Promise<VerificationScenario> {
    // Whole seconds: Alexa timestamps carry none, so the tolerance edges are exact.
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const pki = await TestPki.create(now);
    const server = await CertificateServer.start();
    server.serve(TEST_CERT_PATH, pki.valid.chainPem);
    const source = new MappedCertificateSource(server, {
      timeoutMs: options.certFetchTimeoutMs ?? 500,
      maxBytes: options.certMaxBytes ?? 65_536,
    });
    const clock = new PinnedClock(now);
    const t = await createVerificationTestApp({
      env: { ALEXA_SKILL_ID: DEFAULT_SKILL_ID, ALEXA_TRUSTED_CA_FILE: pki.caFile, ...options.env },
      clock,
      certificateSource: options.wrapSource ? options.wrapSource(source) : source,
      imports: options.imports,
      overrides: options.overrides,
    });
    return new VerificationScenario(pki, server, source, clock, t);
  }

  /** An envelope stamped with the pinned clock's time. */
  envelope(): AlexaRequestBuilder {
    return alexaRequest().launch().timestamp(this.clock.date());
  }

  /** A request signed like Amazon with the valid test chain; change what the test is about. */
  request(envelope: AlexaRequestBuilder | string | Buffer = this.envelope()): SignedRequestBuilder {
    return signedRequest(this.pki.valid.privateKey).envelope(envelope).certUrl(TEST_CERT_URL);
  }

  /** Serves `pem` at `/echo.api/<name>` and returns the URL in Amazon's form. */
  host(name: string, pem: string): string {
    this.server.serve(`/echo.api/${name}`, pem);
    return `https://s3.amazonaws.com/echo.api/${name}`;
  }

  async expectAccepted(request: SignedRequestBuilder | SignedRequest): Promise<Reply> {
    const before = await this.t.failures();
    const reply = await this.t.send('build' in request ? request.build() : request);
    if (reply.statusCode !== 200) throw new Error(`expected 200, got ${reply.statusCode}: ${reply.body}`);
    expect(await this.t.failures()).toEqual(before);
    return reply;
  }

  /** 400 with the fixed body, and exactly one increment: of `check`. */
  async expectRefused(
    request: SignedRequestBuilder | SignedRequest,
    check: VerificationCheck,
  ): Promise<Reply> {
    const before = await this.t.failures();
    const reply = await this.t.send('build' in request ? request.build() : request);
    expect({ status: reply.statusCode, body: reply.json() as unknown }).toEqual({
      status: 400,
      body: REFUSAL_BODY,
    });
    const after = await this.t.failures();
    expect(after).toEqual({ ...before, [check]: before[check] + 1 });
    return reply;
  }

  async close(): Promise<void> {
    await this.t.close();
    await this.server.close();
    await this.pki.dispose();
  }
}
