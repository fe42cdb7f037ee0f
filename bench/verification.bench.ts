// Micro-benchmark of request verification on the cached path (certificate already downloaded and validated):
// microseconds of CPU per verified request for this service's verifier and for the official
// ask-sdk-express-adapter verifier, in the same process, interleaved round by round; medians reported.
//
//   npm run build && node bench/verification.bench.ts [--rounds 15] [--iterations 2000] [--json]
//
// The verifier is loaded from dist/ (the production build, like the other bench servers) and wired by its own
// Nest module (file certificate source, generated development chain); BENCH_DIST points elsewhere.
// `npm run bench` imports `run()` (bench/lib/extras.ts contract).
import { NestFactory } from '@nestjs/core';
import { Logger, type DynamicModule } from '@nestjs/common';
import { SkillRequestSignatureVerifier, TimestampVerifier } from 'ask-sdk-express-adapter';
import { createPublicKey, verify as rsaVerify, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { AlexaRequestVerifier, VerificationInput } from '../libs/alexa-verification/src/index.ts';
import { alexaRequest, DEFAULT_SKILL_ID } from '../tools/alexa-request/envelope.ts';
import { signRequest } from '../tools/alexa-request/sign.ts';
import { createSigningChain } from '../tools/dev-certs.ts';

export interface VerificationBenchOptions {
  /** Measured rounds; figures are medians over rounds. @default 15 */
  rounds?: number;
  /** Verifications per variant per round (each a distinct signed request). @default 2000 */
  iterations?: number;
  /** The build to load the verifier from. @default BENCH_DIST or <repo>/dist */
  dist?: string;
}

/** Median microseconds per verification (CPU time of this process, user + system). */
export interface VerificationBenchResult {
  /** One `crypto.verify` (RSA-2048, SHA-256) with a pre-parsed KeyObject: the floor. */
  rsaVerifyFloorUs: number;
  /** This service's verifier, cached path, every check including replay protection. */
  serviceUs: number;
  /** The same without replay protection. */
  serviceNoReplayUs: number;
  /** ask-sdk-express-adapter: SkillRequestSignatureVerifier (cache warm) + TimestampVerifier. */
  officialAdapterUs: number;
  /** ask-sdk-express-adapter: SkillRequestSignatureVerifier alone (cache warm). */
  officialSignatureOnlyUs: number;
  /** serviceUs - rsaVerifyFloorUs: what the checks cost besides the one RSA verify. */
  serviceOverheadUs: number;
  /** officialAdapterUs / serviceUs. */
  speedup: number;
  rounds: number;
  iterations: number;
  node: string;
}

interface VerificationModule {
  AlexaVerificationModule: { forRoot(options: object): DynamicModule };
  AlexaRequestVerifier: new (...args: never[]) => AlexaRequestVerifier;
}
interface MetricsModuleExports {
  MetricsModule: { forRoot(options: object): DynamicModule };
}

interface StateStoreModuleExports {
  StateStoreModule: { forRoot(options: object): DynamicModule };
}

const CERT_FILE = 'echo-api-cert-bench.pem';
const CERT_URL = `https://s3.amazonaws.com/echo.api/${CERT_FILE}`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function loadFromDist(dist: string): {
  verification: VerificationModule;
  metrics: MetricsModuleExports;
  state: StateStoreModuleExports;
} {
  const entry = join(dist, 'libs/alexa-verification/src/index.js');
  if (!existsSync(entry))
    throw new Error(`${entry} not found: run \`npm run build\` first (or set BENCH_DIST)`);
  const load = createRequire(import.meta.url);
  return {
    verification: load(entry) as VerificationModule,
    metrics: load(join(dist, 'libs/metrics/src/index.js')) as MetricsModuleExports,
    state: load(join(dist, 'libs/state-store/src/index.js')) as StateStoreModuleExports,
  };
}

type Variant<T> = (input: T) => unknown;

/**
 * CPU microseconds per call for each variant over the same inputs, in small interleaved chunks with the
 * order rotating, so drift on a busy machine (frequency, other processes, GC debt) falls on all variants alike.
 */
async function interleavedCpuPerCall<T>(
  inputs: readonly T[],
  variants: readonly Variant<T>[],
  chunk = 100,
): Promise<number[]> {
  const totals = variants.map(() => 0);
  for (let from = 0, turn = 0; from < inputs.length; from += chunk, turn++) {
    const slice = inputs.slice(from, from + chunk);
    for (let k = 0; k < variants.length; k++) {
      const index = (k + turn) % variants.length;
      const work = variants[index];
      const start = process.cpuUsage();
      for (const input of slice) await work(input);
      const used = process.cpuUsage(start);
      totals[index] += used.user + used.system;
    }
  }
  return totals.map((total) => total / inputs.length);
}

export async function runVerificationBench(
  options: VerificationBenchOptions = {},
): Promise<VerificationBenchResult> {
  const rounds = options.rounds ?? 15;
  const iterations = options.iterations ?? 2000;
  const dist = resolve(options.dist ?? process.env.BENCH_DIST ?? join(import.meta.dirname, '..', 'dist'));
  const { verification, metrics, state } = loadFromDist(dist);
  Logger.overrideLogger(false);

  const chain = await createSigningChain({ intermediate: {} });
  const dir = await mkdtemp(join(tmpdir(), 'verification-bench-'));
  try {
    await writeFile(join(dir, CERT_FILE), chain.chainPem);
    await writeFile(join(dir, 'ca.pem'), chain.caPem);
    const leafKey: KeyObject = createPublicKey(chain.leaf.pem);

    // Distinct signed requests (replay protection refuses a request ID twice), parsed once as Fastify would.
    const requests = Array.from({ length: iterations + 1 }, () => {
      const text = alexaRequest().intent('PlayMusicIntent', { query: 'Queen' }).linked('bench-token').body();
      const rawBody = Buffer.from(text, 'utf8');
      const signed = signRequest(rawBody, { privateKey: chain.privateKey, certUrl: CERT_URL });
      const headers: Record<string, string> = { ...signed };
      const input: VerificationInput = {
        rawBody,
        body: JSON.parse(text) as unknown,
        headers: {
          signaturecertchainurl: headers.SignatureCertChainUrl,
          'signature-256': headers['Signature-256'],
        },
      };
      return { text, headers, input, signature: Buffer.from(signed['Signature-256'], 'base64') };
    });
    const [warmup, ...measured] = requests;

    const newServiceVerifier = async (replayProtection: boolean) => {
      const context = await NestFactory.createApplicationContext(
        {
          module: class VerificationBenchModule {},
          imports: [
            metrics.MetricsModule.forRoot({ serve: false, defaultMetrics: false }),
            state.StateStoreModule.forRoot({}),
            verification.AlexaVerificationModule.forRoot({
              production: false,
              skillIds: [DEFAULT_SKILL_ID],
              certSource: { dir },
              trustedCaFile: join(dir, 'ca.pem'),
              replayProtection,
              // The work of verifying, as the floor and the official verifier measure it. The service runs the
              // RSA verify on libuv's pool ('threadpool'), which overlaps it with other requests under load
              // but, called one at a time as here, would time the hand-off between threads instead.
              signatureVerifyMode: 'inline',
            }),
          ],
        },
        { logger: false },
      );
      const verifier = context.get(verification.AlexaRequestVerifier);
      await verifier.verify(warmup.input); // loads and caches the certificate
      return { verifier, close: () => context.close() };
    };

    const official = new SkillRequestSignatureVerifier();
    // Warm its cache the way its own first request would (the download itself is not measured).
    (official as unknown as { certCache: Map<string, string> }).certCache.set(CERT_URL, chain.chainPem);
    const officialTimestamp = new TimestampVerifier();
    await official.verify(warmup.text, warmup.headers);

    const figures = {
      floor: [] as number[],
      service: [] as number[],
      noReplay: [] as number[],
      adapter: [] as number[],
      adapterSig: [] as number[],
    };
    for (let round = 0; round < rounds; round++) {
      const withReplay = await newServiceVerifier(true);
      const withoutReplay = await newServiceVerifier(false);
      const [floor, service, noReplay, adapter, adapterSig] = await interleavedCpuPerCall(measured, [
        (r) => rsaVerify('sha256', r.input.rawBody!, leafKey, r.signature),
        (r) => withReplay.verifier.verify(r.input),
        (r) => withoutReplay.verifier.verify(r.input),
        async (r) => {
          await official.verify(r.text, r.headers);
          await officialTimestamp.verify(r.text);
        },
        (r) => official.verify(r.text, r.headers),
      ]);
      figures.floor.push(floor);
      figures.service.push(service);
      figures.noReplay.push(noReplay);
      figures.adapter.push(adapter);
      figures.adapterSig.push(adapterSig);
      await withReplay.close();
      await withoutReplay.close();
    }

    const result = {
      rsaVerifyFloorUs: median(figures.floor),
      serviceUs: median(figures.service),
      serviceNoReplayUs: median(figures.noReplay),
      officialAdapterUs: median(figures.adapter),
      officialSignatureOnlyUs: median(figures.adapterSig),
    };
    return {
      ...result,
      serviceOverheadUs: result.serviceUs - result.rsaVerifyFloorUs,
      speedup: result.officialAdapterUs / result.serviceUs,
      rounds,
      iterations,
      node: process.version,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function describe(result: VerificationBenchResult): string[] {
  const us = (value: number) => `${value.toFixed(1)} us`;
  return [
    `cached-path CPU per verification, medians of ${result.rounds} rounds x ${result.iterations} (${result.node}):`,
    `  RSA-2048 SHA-256 verify, pre-parsed key (floor)      ${us(result.rsaVerifyFloorUs)}`,
    `  this service, all checks incl. replay protection      ${us(result.serviceUs)}  (+${us(result.serviceOverheadUs)} over the floor)`,
    `  this service, replay protection off                   ${us(result.serviceNoReplayUs)}`,
    `  ask-sdk-express-adapter, signature + timestamp        ${us(result.officialAdapterUs)}  (${result.speedup.toFixed(2)}x ours)`,
    `  ask-sdk-express-adapter, signature verifier alone     ${us(result.officialSignatureOnlyUs)}`,
  ];
}

/** Entry point for `npm run bench` (bench/lib/extras.ts contract). */
export async function run(options: { smoke?: boolean; dist?: string } = {}): Promise<
  VerificationBenchResult & {
    lines: string[];
    targets: Array<{ id: string; description: string; pass: boolean; actual: string }>;
  }
> {
  const result = await runVerificationBench(
    options.smoke ? { rounds: 3, iterations: 200, dist: options.dist } : { dist: options.dist },
  );
  return {
    ...result,
    lines: describe(result),
    targets: [
      {
        id: 'verification_cached_cpu',
        description: 'cached-path verification CPU <= 25 us per request',
        pass: result.serviceUs <= 25,
        actual: `${result.serviceUs.toFixed(1)} us`,
      },
      {
        id: 'verification_vs_official',
        description: 'cached-path verification faster than ask-sdk-express-adapter',
        pass: result.serviceUs < result.officialAdapterUs,
        actual: `${result.speedup.toFixed(2)}x`,
      },
    ],
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { values } = parseArgs({
    options: { rounds: { type: 'string' }, iterations: { type: 'string' }, json: { type: 'boolean' } },
  });
  runVerificationBench({
    rounds: values.rounds ? Number(values.rounds) : undefined,
    iterations: values.iterations ? Number(values.iterations) : undefined,
  })
    .then((result) => {
      process.stdout.write(
        values.json ? `${JSON.stringify(result, null, 2)}\n` : `${describe(result).join('\n')}\n`,
      );
    })
    .catch((error: unknown) => {
      process.stderr.write(`verification bench: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    });
}
