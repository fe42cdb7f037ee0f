import { Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { NOOP_TRACING, type TraceSpan, type Tracing } from '@lib/tracing';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import { Registry } from 'prom-client';
import type { output as ZodOutput, ZodType } from 'zod';
import { outcomeOf, toUpstreamError } from '../errors/error-mapping';
import { UpstreamMetrics } from '../metrics';
import type { CircuitStateName, UpstreamOutcome } from '../metrics';
import { AttemptFailure } from '../policy/attempt-failure';
import { systemClock } from '../policy/policy-defaults';
import { UpstreamPolicies } from '../policy/upstream-policies';
import type { CallBudget } from '../policy/upstream-policies';
import type { Clock, HttpMethod, ResilientClientDefinition } from '../resilient-http-options.interface';
import { failedAttemptOf, interpretAnswer } from '../response/upstream-answer';
import type { AnswerContext } from '../response/upstream-answer';
import { HttpTransport, requestConfig } from '../transport/http-transport';
import {
  ATTEMPT_SPAN,
  attemptAttributes,
  CALL_SPAN,
  callAttributes,
  endCallSpan,
  withTraceHeaders,
} from './upstream-spans';
import type { CallOptions, UpstreamRequest, UpstreamResponse } from './upstream-request.interface';

interface CallState extends CallBudget {
  readonly req: UpstreamRequest;
  readonly method: HttpMethod;
  /** The request, built once per call; each attempt adds its own abort signal. */
  readonly config: AxiosRequestConfig;
}

/**
 * A per-provider HTTP client: every call is bounded by a total budget (and the caller's deadline), each
 * attempt by its own timeout; idempotent calls are retried with full-jitter backoff on network errors,
 * timeouts, 429 and 502/503/504 (honouring Retry-After when it fits the budget); a circuit breaker stops
 * calling a sick upstream and an optional bulkhead caps concurrency. Failures surface as typed errors.
 *
 * The parts: {@link HttpTransport} moves the bytes, {@link UpstreamPolicies} is the policy stack,
 * `upstream-answer` reads what came back and `error-mapping` names what went wrong.
 */
export class ResilientHttpClient implements OnApplicationShutdown {
  /** The provider name (the `provider` metric label). */
  readonly provider: string;

  private readonly transport: HttpTransport;
  private readonly policies: UpstreamPolicies;
  private readonly metrics: UpstreamMetrics;
  private readonly clock: Clock;
  private readonly errorReason: ResilientClientDefinition['errorReason'];
  private readonly tracing: Tracing;

  /** `tracing`: the spans of each call and attempt, and the `traceparent` each attempt carries. */
  constructor(
    definition: ResilientClientDefinition,
    registry: Registry = new Registry(),
    tracing: Tracing = NOOP_TRACING,
  ) {
    if (definition.name === '') throw new Error('resilient-http: a client needs a provider name');
    this.provider = definition.name;
    this.metrics = new UpstreamMetrics(registry, definition.name);
    this.tracing = tracing;
    this.clock = definition.clock ?? systemClock;
    this.errorReason = definition.errorReason;
    const logger = new Logger(`ResilientHttp:${definition.name}`);
    this.policies = new UpstreamPolicies(definition, this.metrics, logger);
    this.transport = new HttpTransport(definition);
  }

  /** Current circuit breaker state (`closed` when the client has no breaker). */
  circuitState(): CircuitStateName {
    return this.policies.circuitState;
  }

  /**
   * Sends one call through the policies. Resolves for 2xx (body parsed as JSON, validated when a schema is
   * given); rejects with a typed error otherwise: `AccessTokenRejectedError` (401), `AccessForbiddenError` (403),
   * `UpstreamRateLimitedError` (429), `UpstreamClientError` (other 4xx), `UpstreamUnavailableError`,
   * `UpstreamBadResponseError`.
   */
  request<S extends ZodType>(req: UpstreamRequest & { schema: S }): Promise<UpstreamResponse<ZodOutput<S>>>;
  request(req: UpstreamRequest): Promise<UpstreamResponse<unknown>>;
  request(req: UpstreamRequest & { schema?: ZodType }): Promise<UpstreamResponse<unknown>> {
    return this.call(req, req.schema, false);
  }

  /** GET a JSON body and validate it: the common case, in one line. A 204 or empty body is a bad response. */
  async getJson<S extends ZodType>(
    operation: string,
    url: string,
    schema: S,
    options: CallOptions & Pick<UpstreamRequest, 'params' | 'accessToken' | 'headers'> = {},
  ): Promise<ZodOutput<S>> {
    const response = await this.call({ ...options, operation, url, method: 'GET' }, schema, true);
    return response.data as ZodOutput<S>;
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }

  private call(
    req: UpstreamRequest,
    schema: ZodType | undefined,
    requireBody: boolean,
  ): Promise<UpstreamResponse<unknown>> {
    if (!this.tracing.enabled) return this.callThroughPolicies(req, schema, requireBody);
    const facts = { provider: this.provider, operation: req.operation, method: req.method ?? 'GET' };
    return this.tracing.inSpan(CALL_SPAN, callAttributes(facts), (span) =>
      this.callThroughPolicies(req, schema, requireBody, span),
    );
  }

  private async callThroughPolicies(
    req: UpstreamRequest,
    schema: ZodType | undefined,
    requireBody: boolean,
    span?: TraceSpan,
  ): Promise<UpstreamResponse<unknown>> {
    const start = this.clock.now();
    const method = req.method ?? 'GET';
    const call: CallState = {
      ...this.policies.startCall(req, method),
      req,
      method,
      config: requestConfig(req, method),
    };
    let outcome: UpstreamOutcome = 'success';
    try {
      const response = await this.policies.execute(call, () => this.send(call));
      if (req.accessToken !== undefined) req.onTokenAnswer?.(response.status);
      return interpretAnswer(this.answerContext(req), response, schema, requireBody);
    } catch (error) {
      const typed = toUpstreamError(this.provider, req.operation, error);
      outcome = outcomeOf(typed);
      throw typed;
    } finally {
      this.metrics.callFinished(req.operation, outcome, this.clock.now() - start);
      if (span) endCallSpan(span, outcome, call.attempts);
    }
  }

  private answerContext(req: UpstreamRequest): AnswerContext {
    return { provider: this.provider, operation: req.operation, errorReason: this.errorReason };
  }

  /** One attempt, in its own span when tracing: the upstream gets that span's `traceparent`. */
  private send(call: CallState): Promise<AxiosResponse<string>> {
    call.attempts += 1;
    if (!this.tracing.enabled) return this.sendAttempt(call, call.config);
    const facts = { provider: this.provider, operation: call.operation, method: call.method };
    const attributes = attemptAttributes(facts, call.attempts - 1, this.policies.circuitState);
    const attempt = async (span: TraceSpan): Promise<AxiosResponse<string>> => {
      try {
        const response = await this.sendAttempt(call, withTraceHeaders(this.tracing, call.config));
        span.setAttribute('http.response.status_code', response.status);
        return response;
      } catch (error) {
        if (error instanceof AttemptFailure) {
          span.setAttribute('http.response.status_code', error.status);
          span.fail(error.kind);
        }
        throw error;
      }
    };
    return this.tracing.inSpan(ATTEMPT_SPAN, attributes, attempt, 'client');
  }

  /** One HTTP attempt under its timeout. Final answers (2xx, 4xx but 429) resolve; the rest reject. */
  private sendAttempt(call: CallState, config: AxiosRequestConfig): Promise<AxiosResponse<string>> {
    return this.policies.limitAttempt(call, async (signal) => {
      const response = await this.transport.send(config, signal);
      const failure = failedAttemptOf(response, this.clock.now());
      if (failure !== undefined) throw failure;
      return response;
    });
  }
}
