import { readEnvelope } from '@lib/alexa-protocol';
import type { IncomingHttpHeaders } from 'node:http';
import { CertificateCache, type CertificateLookup } from '../certificate-cache/certificate-cache';
import {
  assertCurrentlyValid,
  CertificateChainValidator,
} from '../certificate-chain/certificate-chain-validator';
import type { SigningCertificate } from '../certificate-chain/signing-certificate';
import type { CertificateSource } from '../certificate-source/certificate-source.interface';
import { CertificateUrlPolicy } from '../certificate-url/certificate-url-policy';
import type { Clock } from '../clock/clock.interface';
import type { ReplayProtector } from '../replay/replay-protector';
import { SignatureVerifier } from '../signature/signature-verifier';
import { SkillIdValidator } from '../skill-id/skill-id-validator';
import { TimestampValidator } from '../timestamp/timestamp-validator';
import { VerificationFailure } from '../verification-failure';

/** One HTTP request as it arrived, before its body is parsed. */
export interface RawAlexaRequest {
  /** Request headers, names in lower case (as Node and Fastify give them). */
  readonly headers: IncomingHttpHeaders;
  /** The exact bytes received: the signature covers these, not a re-serialisation. */
  readonly rawBody: Buffer | undefined;
}

/** What the verifier reads from one HTTP request. */
export interface VerificationInput extends RawAlexaRequest {
  /** The same bytes parsed as JSON. */
  readonly body: unknown;
}

/** The parts that make up a verifier; every one is replaceable. */
export interface AlexaRequestVerifierParts {
  readonly clock: Clock;
  readonly urlPolicy: CertificateUrlPolicy;
  readonly source: CertificateSource;
  readonly chainValidator: CertificateChainValidator;
  readonly cache: CertificateCache;
  readonly signatureVerifier: SignatureVerifier;
  readonly timestampValidator: TimestampValidator;
  readonly skillIdValidator: SkillIdValidator;
  /** Absent when replay protection is off. */
  readonly replayProtector: ReplayProtector | undefined;
}

/**
 * Runs Amazon's checks on one request in two steps, each cheapest first, and throws a {@link VerificationFailure}
 * naming the first that fails. {@link authenticate} reads only headers and the raw bytes, so it runs before the
 * body is parsed: the certificate URL (no download for a bad one), the signature header, the certificate (cached,
 * single-flight; its dates re-checked on every use) and the signature over the raw bytes (a chain that verifies
 * it is confirmed in the cache). {@link checkEnvelope} then reads the parsed envelope: its shape, the timestamp,
 * the skill ID (after the signature, as Amazon asks) and replay (last, so only verified request IDs are
 * remembered). On the cached path the work is one RSA verify plus cheap checks.
 */
export class AlexaRequestVerifier {
  private readonly parts: AlexaRequestVerifierParts;
  private readonly loadCertificate: (url: string) => Promise<SigningCertificate>;

  constructor(parts: AlexaRequestVerifierParts) {
    this.parts = parts;
    this.loadCertificate = async (url) => parts.chainValidator.validate(await parts.source.fetch(url));
  }

  /** Both steps, for a request whose body was parsed before anything was checked. */
  async verify(input: VerificationInput): Promise<void> {
    await this.authenticate(input);
    return this.checkEnvelope(input.body);
  }

  /**
   * Proves that the bytes were signed by Amazon's certificate; nothing here reads the parsed body. Resolves where
   * the certificate was found (for the verification span).
   */
  async authenticate(request: RawAlexaRequest): Promise<CertificateLookup> {
    const { clock, urlPolicy, cache, signatureVerifier } = this.parts;
    const { rawBody, headers } = request;
    if (!Buffer.isBuffer(rawBody)) throw new VerificationFailure('malformed', 'raw body is not available');

    const urlHeader = headers.signaturecertchainurl;
    if (typeof urlHeader !== 'string') {
      throw new VerificationFailure('cert_url', 'SignatureCertChainUrl header is missing');
    }
    const location = urlPolicy.locate(urlHeader);
    const signature = signatureVerifier.decode(headers['signature-256'], headers.signature);

    const verified = cache.current(location.key);
    const lookup = verified === undefined ? cache.lookupUnverified(location.key) : 'hit';
    const certificate = verified ?? (await cache.get(location, this.loadCertificate));
    assertCurrentlyValid(certificate, clock.now());
    await signatureVerifier.verify(rawBody, signature, certificate.publicKey);
    // Only a chain that has verified a signature enters the verified cache (not one an unsigned request loaded).
    if (verified === undefined) cache.confirm(location.key, certificate);
    return lookup;
  }

  /**
   * The checks of an authenticated request's parsed envelope. Its facts are read here (`readEnvelope`), the
   * first read of this body; the skill endpoint later gets the same facts for the same body.
   */
  checkEnvelope(body: unknown): void | Promise<void> {
    const { timestampValidator, skillIdValidator, replayProtector } = this.parts;
    const { facts, refusal } = readEnvelope(body);
    if (facts === undefined) throw new VerificationFailure('malformed', refusal);
    const timestamp = timestampValidator.check(facts.timestamp, facts.type);
    const skillId = skillIdValidator.check(facts.skillId);

    if (!replayProtector) return;
    return replayProtector.check(
      skillId,
      facts.requestId,
      facts.type,
      timestamp + timestampValidator.maxAgeMs(facts.type),
    );
  }
}
