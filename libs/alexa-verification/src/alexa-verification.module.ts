import { HttpModule, HttpService } from '@nestjs/axios';
import { Module, type Provider } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { upstreamDnsLookup } from '@lib/service-runtime';
import { StateKeys, STATE_STORE, type StateStore } from '@lib/state-store';
import { Agent as HttpsAgent } from 'node:https';
import {
  CERTIFICATE_SOURCE,
  CLOCK,
  TRUST_STORE,
  VERIFICATION_SETTINGS,
} from './alexa-verification.constants';
import {
  AlexaVerificationConfigurableModule,
  ALEXA_VERIFICATION_MODULE_OPTIONS,
} from './alexa-verification.module-definition';
import type { AlexaVerificationModuleOptions } from './alexa-verification-options.interface';
import { CertificateCache } from './certificate-cache/certificate-cache';
import { CertificateChainValidator } from './certificate-chain/certificate-chain-validator';
import type { CertificateSource } from './certificate-source/certificate-source.interface';
import { FileCertificateSource } from './certificate-source/file-certificate-source';
import { HttpsCertificateSource } from './certificate-source/https-certificate-source';
import { CertificateUrlPolicy } from './certificate-url/certificate-url-policy';
import type { Clock } from './clock/clock.interface';
import { SystemClock } from './clock/system-clock';
import { AlexaVerificationGuard } from './guard/alexa-verification.guard';
import { RawBodyAuthentication } from './guard/raw-body-authentication';
import { ReplayProtector } from './replay/replay-protector';
import { SignatureVerifier } from './signature/signature-verifier';
import { SkillIdValidator } from './skill-id/skill-id-validator';
import { TimestampValidator } from './timestamp/timestamp-validator';
import type { TrustStore } from './trust-store/trust-store.interface';
import { PemTrustStore } from './trust-store/pem-trust-store';
import { AlexaRequestVerifier } from './verifier/alexa-request-verifier';
import { resolveVerificationSettings, type VerificationSettings } from './verification-settings';

const settings: Provider[] = [
  {
    provide: VERIFICATION_SETTINGS,
    inject: [ALEXA_VERIFICATION_MODULE_OPTIONS],
    useFactory: (options: AlexaVerificationModuleOptions) => resolveVerificationSettings(options),
  },
];

/** The replaceable outside world: time, certificate downloads, trust anchors (request IDs: `STATE_STORE`). */
const environment: Provider[] = [
  { provide: CLOCK, useFactory: (): Clock => new SystemClock() },
  {
    provide: CERTIFICATE_SOURCE,
    inject: [VERIFICATION_SETTINGS, HttpService],
    useFactory: (s: VerificationSettings, http: HttpService): CertificateSource =>
      s.certSource === 'https'
        ? new HttpsCertificateSource(http, { timeoutMs: s.certFetchTimeoutMs, maxBytes: s.certMaxBytes })
        : new FileCertificateSource(s.certSource.dir, s.certMaxBytes),
  },
  {
    provide: TRUST_STORE,
    inject: [VERIFICATION_SETTINGS],
    useFactory: (s: VerificationSettings): TrustStore => PemTrustStore.withNodeRoots(s.trustedCaFile),
  },
];

/** One class per rule; plain classes, so they also run outside Nest (benchmarks, tools). */
const checks: Provider[] = [
  { provide: CertificateUrlPolicy, useFactory: () => new CertificateUrlPolicy() },
  {
    provide: CertificateChainValidator,
    inject: [TRUST_STORE, CLOCK],
    useFactory: (trustStore: TrustStore, clock: Clock) => new CertificateChainValidator(trustStore, clock),
  },
  {
    provide: CertificateCache,
    inject: [VERIFICATION_SETTINGS, CLOCK],
    useFactory: (s: VerificationSettings, clock: Clock) =>
      new CertificateCache(
        {
          maxEntries: s.certCacheSize,
          maxPending: s.certPendingSize,
          pendingTtlMs: s.certPendingTtlMs,
          maxConcurrentLoads: s.certMaxConcurrentFetches,
          reservedLoads: s.certReservedFetches,
        },
        clock,
      ),
  },
  {
    provide: SignatureVerifier,
    inject: [VERIFICATION_SETTINGS],
    useFactory: (s: VerificationSettings) => new SignatureVerifier(s.signatureVerifyMode),
  },
  {
    provide: TimestampValidator,
    inject: [CLOCK, VERIFICATION_SETTINGS],
    useFactory: (clock: Clock, s: VerificationSettings) =>
      new TimestampValidator(clock, {
        toleranceMs: s.timestampToleranceMs,
        skillEventToleranceMs: s.skillEventToleranceMs,
      }),
  },
  {
    provide: SkillIdValidator,
    inject: [VERIFICATION_SETTINGS],
    useFactory: (s: VerificationSettings) => new SkillIdValidator(s.skillIds),
  },
  {
    provide: ReplayProtector,
    inject: [STATE_STORE, StateKeys, CLOCK],
    useFactory: (store: StateStore, keys: StateKeys, clock: Clock) => new ReplayProtector(store, keys, clock),
  },
];

const verification: Provider[] = [
  {
    provide: AlexaRequestVerifier,
    inject: [
      VERIFICATION_SETTINGS,
      CLOCK,
      CertificateUrlPolicy,
      CERTIFICATE_SOURCE,
      CertificateChainValidator,
      CertificateCache,
      SignatureVerifier,
      TimestampValidator,
      SkillIdValidator,
      ReplayProtector,
    ],
    useFactory: (
      s: VerificationSettings,
      clock: Clock,
      urlPolicy: CertificateUrlPolicy,
      source: CertificateSource,
      chainValidator: CertificateChainValidator,
      cache: CertificateCache,
      signatureVerifier: SignatureVerifier,
      timestampValidator: TimestampValidator,
      skillIdValidator: SkillIdValidator,
      replayProtector: ReplayProtector,
    ) =>
      new AlexaRequestVerifier({
        clock,
        urlPolicy,
        source,
        chainValidator,
        cache,
        signatureVerifier,
        timestampValidator,
        skillIdValidator,
        replayProtector: s.replayProtection ? replayProtector : undefined,
      }),
  },
  AlexaVerificationGuard,
  { provide: APP_GUARD, useExisting: AlexaVerificationGuard },
  RawBodyAuthentication,
];

/**
 * Verifies that requests to the skill endpoint come from Amazon, before any handler or other guard
 * runs: the guard is registered application-wide and acts only on controllers marked `ALEXA_SKILL_ENDPOINT`.
 * Needs `rawBody: true` on the application, the `@lib/metrics` registry and the `@lib/state-store` store.
 */
@Module({
  imports: [
    DiscoveryModule,
    HttpModule.registerAsync({
      // Certificate downloads resolve Amazon's host off the thread pool the signature checks run on.
      useFactory: () => ({ maxRedirects: 0, httpsAgent: new HttpsAgent({ lookup: upstreamDnsLookup() }) }),
    }),
  ],
  providers: [...settings, ...environment, ...checks, ...verification],
  exports: [AlexaRequestVerifier],
})
export class AlexaVerificationModule extends AlexaVerificationConfigurableModule {}
