import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
  type RawBodyRequest,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ALEXA_SKILL_ENDPOINT } from '@lib/alexa-protocol';
import { counter, METRICS_REGISTRY } from '@lib/metrics';
import { NOOP_TRACING, type TraceSpan, TRACING, type Tracing } from '@lib/tracing';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Counter, Registry } from 'prom-client';
import { VERIFICATION_FAILURES_METRIC, VERIFICATION_SETTINGS } from '../alexa-verification.constants';
import { AlexaRequestVerifier } from '../verifier/alexa-request-verifier';
import { VERIFICATION_CHECKS, VerificationFailure, type VerificationCheck } from '../verification-failure';
import type { VerificationSettings } from '../verification-settings';

/** The one answer to every failure: nothing that tells a caller which check failed. */
const FAILURE_BODY = Object.freeze({ error: 'request verification failed' });

/** Span names of the two stages; the failed check is the span's `error.type`. */
const SIGNATURE_SPAN = 'alexa.verify.signature';
const ENVELOPE_SPAN = 'alexa.verify.envelope';
const NO_ATTRIBUTES = Object.freeze({});

function failedCheck(error: unknown): VerificationCheck {
  return error instanceof VerificationFailure ? error.check : 'malformed';
}

/**
 * What {@link AlexaVerificationGuard.authenticateRawBody} found: `true` for authentic bytes, else the failure the
 * guard answers (the body was left unparsed).
 */
const RAW_BODY_CHECK = Symbol('alexa-verification:raw-body-check');
type MarkedRequest = IncomingMessage & { [RAW_BODY_CHECK]?: true | { failure: unknown } };

/**
 * Verifies requests to controllers marked with `ALEXA_SKILL_ENDPOINT` (registered as `APP_GUARD`); every other
 * route passes untouched. With the service's Fastify adapter the signature is checked on the raw bytes before
 * the body is parsed ({@link authenticateRawBody}, registered by `RawBodyAuthentication`), and the guard checks
 * the parsed envelope; otherwise the guard does both, with the raw bytes Nest keeps with `rawBody: true`. A
 * failure answers 400 with a fixed body, logs the failed check at warn level (never the body, signature or URL)
 * and counts it in `alexa_verification_failures_total`.
 */
@Injectable()
export class AlexaVerificationGuard implements CanActivate, OnApplicationBootstrap {
  private readonly logger = new Logger('AlexaVerification');
  private readonly failures: Counter<'check'>;
  private readonly enabled: boolean;

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AlexaRequestVerifier,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(VERIFICATION_SETTINGS) settings: VerificationSettings,
    @Optional() @Inject(TRACING) private readonly tracing: Tracing = NOOP_TRACING,
  ) {
    this.enabled = settings.enabled;
    this.failures = counter(registry, {
      name: VERIFICATION_FAILURES_METRIC,
      help: 'Requests to the skill endpoint refused by request verification, by failed check',
      labelNames: ['check'],
    });
    // Every series exists from the start, so rate() and alerts see zeros rather than gaps.
    for (const check of VERIFICATION_CHECKS) this.failures.inc({ check }, 0);
  }

  /** Said once at start-up, when the application's logger is in place. */
  onApplicationBootstrap(): void {
    if (!this.enabled) {
      this.logger.warn('Alexa request verification is OFF (ALEXA_VERIFY=false): development only');
    }
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (!this.enabled || context.getType() !== 'http') return true;
    if (this.reflector.get<boolean | undefined>(ALEXA_SKILL_ENDPOINT, context.getClass()) !== true)
      return true;
    const request = context.switchToHttp().getRequest<RawBodyRequest<FastifyRequest>>();
    const rawBodyCheck = (request.raw as MarkedRequest)[RAW_BODY_CHECK];
    if (rawBodyCheck !== undefined && rawBodyCheck !== true) return this.refuse(rawBodyCheck.failure);
    if (rawBodyCheck === undefined) {
      return this.verifier
        .verify({ headers: request.headers, rawBody: request.rawBody, body: request.body })
        .then(
          () => true,
          (error: unknown) => this.refuse(error),
        );
    }
    return this.tracing.inSpan(ENVELOPE_SPAN, NO_ATTRIBUTES, (span) =>
      this.checkEnvelope(request.body, span),
    );
  }

  /** Timestamp, skill ID and replay of an authenticated request's envelope. */
  private checkEnvelope(body: unknown, span: TraceSpan): boolean | Promise<boolean> {
    let checked: void | Promise<void>;
    try {
      checked = this.verifier.checkEnvelope(body);
    } catch (error) {
      return this.refuseInSpan(error, span);
    }
    return checked === undefined
      ? true
      : checked.then(
          () => true,
          (error: unknown) => this.refuseInSpan(error, span),
        );
  }

  private refuseInSpan(error: unknown, span: TraceSpan): never {
    span.fail(failedCheck(error));
    return this.refuse(error);
  }

  /**
   * The checks of the raw bytes (certificate URL, chain, signature), run before the body is parsed: resolves
   * whether to parse it. Unauthentic bytes stay unparsed and the guard refuses the request, on the usual path
   * (the same 400, log line and count, and the connection stays open like after any other answer).
   */
  authenticateRawBody(request: FastifyRequest, rawBody: Buffer): Promise<boolean> {
    const marked = request.raw as MarkedRequest;
    // The body parser runs outside the request's async context: its span is entered here.
    return this.tracing.withinRequest(marked, () =>
      this.tracing.inSpan(SIGNATURE_SPAN, NO_ATTRIBUTES, (span) =>
        this.verifier.authenticate({ headers: request.headers, rawBody }).then(
          (lookup) => {
            span.setAttribute('alexa.certificate.cache', lookup);
            return (marked[RAW_BODY_CHECK] = true);
          },
          (failure: unknown) => {
            span.fail(failedCheck(failure));
            marked[RAW_BODY_CHECK] = { failure };
            return false;
          },
        ),
      ),
    );
  }

  private refuse(error: unknown): never {
    let check: VerificationCheck;
    if (error instanceof VerificationFailure) {
      check = error.check;
      this.logger.warn(`request refused: ${check} check failed (${error.reason})`);
    } else {
      // A bug, not an attack: still a 400 (never a 5xx for what a caller sent), logged loudly.
      check = 'malformed';
      this.logger.error(`request refused: verification threw ${(error as Error)?.name ?? typeof error}`);
    }
    this.failures.inc({ check });
    throw new HttpException(FAILURE_BODY, HttpStatus.BAD_REQUEST);
  }
}
