import { HttpService } from '@nestjs/axios';
import { Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { NOOP_TRACING, type TraceSpan, type Tracing } from '@lib/tracing';
import axios from 'axios';
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import {
  BulkheadPolicy,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  RetryPolicy,
  SamplingBreaker,
  bulkhead,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  isIsolatedCircuitError,
  isTaskCancelledError,
  retry,
} from 'cockatiel';
import type { IRetryBackoffContext } from 'cockatiel';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Registry } from 'prom-client';
import type { output as ZodOutput, ZodType } from 'zod';
import { upstreamDnsLookup } from '@lib/service-runtime';
import {
  AccessForbiddenError,
  AccessTokenRejectedError,
  UpstreamBadResponseError,
  UpstreamClientError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from '../errors';
import type { UnavailableReason } from '../errors';
import { UpstreamMetrics } from '../metrics';
import type { CircuitStateName, RetryReason, UpstreamOutcome } from '../metrics';
import { decideRetry, parseRetryAfter } from '../policy';
import type { RetryPolicySettings } from '../policy';
import type { Clock, HttpMethod, ResilientClientDefinition } from '../resilient-http-options.interface';
import { AttemptAbortSignal } from './attempt-abort-signal';
import { circuitStateName, outcomeOf, positive, requestConfig, upstreamReason } from './client-helpers';
import {
  ATTEMPT_SPAN,
  attemptAttributes,
  CALL_SPAN,
  callAttributes,
  endCallSpan,
  withTraceHeaders,
} from './upstream-spans';
import type { CallOptions, UpstreamRequest, UpstreamResponse } from './upstream-request.interface';

const DEFAULTS = {
  totalBudgetMs: 2500,
  attemptTimeoutMs: 1000,
  maxRetries: 2,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  minAttemptMs: 100,
  consecutiveFailures: 5,
  halfOpenAfterMs: 10_000,
  maxResponseBytes: 1024 * 1024,
  retryMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'] as HttpMethod[],
  retryStatuses: [429, 502, 503, 504],
};

const systemClock: Clock = { now: () => Date.now() };

type FailureKind =
  | 'server_error'
  | 'rate_limited'
  | 'timeout'
  | 'budget_exhausted'
  | 'network'
  | 'aborted'
  | 'too_large'
  | 'circuit_open';

/**
 * One failed attempt, as the policies see it. Internal: callers only ever see the typed errors. It carries
 * the retry decision so cockatiel's retry loop (filter and backoff) follows the budget-aware decision made
 * where the call's deadline is known.
 */
class AttemptFailure extends Error {
  readonly kind: FailureKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  /** Set when the attempt is to be retried after this wait. */
  retryDelayMs: number | undefined;
  retryReason: RetryReason | undefined;

  constructor(kind: FailureKind, status?: number, retryAfterMs?: number) {
    super(kind);
    this.kind = kind;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }

  /** Failures that say the upstream is sick. 429, deadline cuts and caller aborts do not. */
  get countsForBreaker(): boolean {
    return this.kind === 'server_error' || this.kind === 'timeout' || this.kind === 'network';
  }
}

interface CallState {
  readonly req: UpstreamRequest;
  /** The axios request, built once per call; each attempt adds its own abort signal. */
  readonly config: AxiosRequestConfig;
  readonly method: HttpMethod;
  readonly deadline: number;
  readonly retryable: boolean;
  attempts: number;
}

const isRetryScheduled = (error: unknown): boolean =>
  error instanceof AttemptFailure && error.retryDelayMs !== undefined;
const countsForBreaker = (error: unknown): boolean =>
  error instanceof AttemptFailure && error.countsForBreaker;
const scheduledDelay = (context: IRetryBackoffContext<unknown>): number =>
  'error' in context.result && context.result.error instanceof AttemptFailure
    ? (context.result.error.retryDelayMs ?? 0)
    : 0;

/**
 * A per-provider HTTP client: every call is bounded by a total budget (and the caller's deadline), each
 * attempt by its own timeout; idempotent calls are retried with full-jitter backoff on network errors,
 * timeouts, 429 and 502/503/504 (honouring Retry-After when it fits the budget); a circuit breaker stops
 * calling a sick upstream and an optional bulkhead caps concurrency. Failures surface as typed errors.
 *
 * Policy order, outermost first: bulkhead -> retry -> circuit breaker -> one attempt (with its timeout).
 * The breaker counts attempts, so it can open in the middle of a call's retries and stop them.
 */
export class ResilientHttpClient implements OnApplicationShutdown {
  /** The provider name (the `provider` metric label). */
  readonly provider: string;
  /** The underlying @nestjs/axios service, for interceptors; calls made through it bypass the policies. */
  readonly http: HttpService;

  private readonly axios: AxiosInstance;
  private readonly logger: Logger;
  private readonly metrics: UpstreamMetrics;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly totalBudgetMs: number;
  private readonly attemptTimeoutMs: number;
  private readonly retrySettings: RetryPolicySettings;
  private readonly retryMethods: ReadonlySet<string>;
  private readonly retryStatuses: ReadonlySet<number>;
  private readonly retryPolicy: RetryPolicy;
  private readonly breaker: CircuitBreakerPolicy | undefined;
  private readonly bulkhead: BulkheadPolicy | undefined;
  private readonly agents: { destroy(): void }[];
  private circuit: CircuitStateName = 'closed';
  private readonly tracing: Tracing;

  /** `tracing`: the spans of each call and attempt, and the `traceparent` each attempt carries. */
  constructor(
    definition: ResilientClientDefinition,
    registry: Registry = new Registry(),
    tracing: Tracing = NOOP_TRACING,
  ) {
    if (definition.name === '') throw new Error('resilient-http: a client needs a provider name');
    this.provider = definition.name;
    this.logger = new Logger(`ResilientHttp:${definition.name}`);
    this.metrics = new UpstreamMetrics(registry, definition.name);
    this.tracing = tracing;
    this.clock = definition.clock ?? systemClock;
    this.random = definition.random ?? Math.random;
    this.totalBudgetMs = positive('totalBudgetMs', definition.totalBudgetMs ?? DEFAULTS.totalBudgetMs);
    this.attemptTimeoutMs = positive(
      'attemptTimeoutMs',
      definition.attemptTimeoutMs ?? DEFAULTS.attemptTimeoutMs,
    );

    const retryOptions = definition.retry === false ? { maxRetries: 0 } : (definition.retry ?? {});
    this.retrySettings = {
      maxRetries: retryOptions.maxRetries ?? DEFAULTS.maxRetries,
      baseDelayMs: retryOptions.baseDelayMs ?? DEFAULTS.baseDelayMs,
      maxDelayMs: retryOptions.maxDelayMs ?? DEFAULTS.maxDelayMs,
      minAttemptMs: retryOptions.minAttemptMs ?? DEFAULTS.minAttemptMs,
    };
    this.retryMethods = new Set(retryOptions.methods ?? DEFAULTS.retryMethods);
    this.retryStatuses = new Set(retryOptions.statuses ?? DEFAULTS.retryStatuses);
    this.retryPolicy = retry(handleWhen(isRetryScheduled), {
      maxAttempts: this.retrySettings.maxRetries,
      backoff: new DelegateBackoff(scheduledDelay),
    });

    if (definition.circuitBreaker !== false) {
      const options = definition.circuitBreaker ?? {};
      this.breaker = circuitBreaker(handleWhen(countsForBreaker), {
        halfOpenAfter: positive('halfOpenAfterMs', options.halfOpenAfterMs ?? DEFAULTS.halfOpenAfterMs),
        breaker: options.sampling
          ? new SamplingBreaker({
              threshold: options.sampling.threshold,
              duration: options.sampling.durationMs,
              minimumRps: options.sampling.minimumRps,
            })
          : new ConsecutiveBreaker(options.consecutiveFailures ?? DEFAULTS.consecutiveFailures),
      });
      this.breaker.onStateChange((state) => this.circuitChanged(circuitStateName(state)));
    }
    if (definition.bulkhead) {
      this.bulkhead = bulkhead(positive('bulkhead.maxConcurrent', definition.bulkhead.maxConcurrent), 0);
    }

    const lookup = definition.dnsLookup ?? upstreamDnsLookup();
    const agentOptions = {
      keepAlive: true,
      maxSockets: definition.maxSockets ?? Infinity,
      ...(lookup === false ? {} : { lookup }),
    };
    const httpAgent = new HttpAgent(agentOptions);
    const httpsAgent = new HttpsAgent(agentOptions);
    this.agents = [httpAgent, httpsAgent];
    this.axios = axios.create({
      ...definition.axios,
      baseURL: definition.baseURL ?? definition.axios?.baseURL,
      headers: { accept: 'application/json', ...definition.headers },
      // Status handling, body parsing and timeouts are ours: axios only moves bytes.
      validateStatus: null,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      maxContentLength: definition.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
      httpAgent,
      httpsAgent,
    });
    // @nestjs/axios is an ES module and sees axios' ESM typings; the instance is the same at run time.
    this.http = new HttpService(this.axios as unknown as ConstructorParameters<typeof HttpService>[0]);
  }

  /** Current circuit breaker state (`closed` when the client has no breaker). */
  circuitState(): CircuitStateName {
    return this.circuit;
  }

  /**
   * Sends one call through the policies. Resolves for 2xx (body parsed as JSON, validated when a schema is
   * given); rejects with a typed error otherwise: {@link AccessTokenRejectedError} (401),
   * {@link AccessForbiddenError} (403), {@link UpstreamRateLimitedError} (429), {@link UpstreamClientError}
   * (other 4xx), {@link UpstreamUnavailableError}, {@link UpstreamBadResponseError}.
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
    for (const agent of this.agents) agent.destroy();
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
      req,
      config: requestConfig(req, method),
      method,
      deadline: Math.min(start + this.totalBudgetMs, req.deadline ?? Infinity),
      retryable: req.idempotent ?? this.retryMethods.has(method),
      attempts: 0,
    };
    let outcome: UpstreamOutcome = 'success';
    try {
      const response = await this.execute(call);
      if (req.accessToken !== undefined) req.onTokenAnswer?.(response.status);
      return this.interpret(call, response, schema, requireBody);
    } catch (error) {
      const typed = this.toTypedError(call, error);
      outcome = outcomeOf(typed);
      throw typed;
    } finally {
      this.metrics.callFinished(req.operation, outcome, this.clock.now() - start);
      if (span) endCallSpan(span, outcome, call.attempts);
    }
  }

  private execute(call: CallState): Promise<AxiosResponse<string>> {
    const run = (): Promise<AxiosResponse<string>> =>
      this.retryPolicy.execute(() => this.attempt(call), call.req.signal);
    return this.bulkhead ? this.bulkhead.execute(run) : run();
  }

  private attempt(call: CallState): Promise<AxiosResponse<string>> {
    const breaker = this.breaker;
    if (breaker === undefined) return this.send(call);
    // cockatiel parks calls behind a half-open probe until it settles; an Alexa call cannot wait, so
    // everything but the probe fails fast. (No await between this check and execute: no race.)
    if (breaker.state === CircuitState.HalfOpen) return Promise.reject(new AttemptFailure('circuit_open'));
    return breaker.execute(() => this.send(call));
  }

  /** One attempt, in its own span when tracing: the upstream gets that span's `traceparent`. */
  private send(call: CallState): Promise<AxiosResponse<string>> {
    call.attempts += 1;
    if (!this.tracing.enabled) return this.sendAttempt(call, call.config);
    const facts = { provider: this.provider, operation: call.req.operation, method: call.method };
    const attributes = attemptAttributes(facts, call.attempts - 1, this.circuit);
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

  /** One HTTP attempt. Answers that are final (2xx, 4xx but 429) resolve; the rest throw AttemptFailure. */
  private async sendAttempt(call: CallState, config: AxiosRequestConfig): Promise<AxiosResponse<string>> {
    const { req } = call;
    const signal = req.signal;
    if (signal?.aborted) throw new AttemptFailure('aborted');
    const remaining = call.deadline - this.clock.now();
    if (remaining <= 0) throw new AttemptFailure('budget_exhausted');
    const cutByDeadline = remaining < this.attemptTimeoutMs;

    const abortSignal = new AttemptAbortSignal();
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        abortSignal.abort();
      },
      cutByDeadline ? remaining : this.attemptTimeoutMs,
    );
    const onCallerAbort = (): void => abortSignal.abort();
    signal?.addEventListener('abort', onCallerAbort, { once: true });

    let response: AxiosResponse<string>;
    try {
      response = await this.axios.request<string>({ ...config, signal: abortSignal });
    } catch (error) {
      // Never keep the axios error: its config holds the Authorization header.
      throw this.transportFailure(call, error, timedOut, cutByDeadline);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    }

    const status = response.status;
    if (status !== 429 && status < 500) return response;
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], this.clock.now());
    throw this.failed(
      call,
      new AttemptFailure(status === 429 ? 'rate_limited' : 'server_error', status, retryAfterMs),
    );
  }

  /** Classifies an attempt that got no usable answer. */
  private transportFailure(
    call: CallState,
    error: unknown,
    timedOut: boolean,
    cutByDeadline: boolean,
  ): AttemptFailure {
    if (timedOut) {
      return cutByDeadline
        ? new AttemptFailure('budget_exhausted')
        : this.failed(call, new AttemptFailure('timeout'));
    }
    if (call.req.signal?.aborted) return new AttemptFailure('aborted');
    if (axios.isAxiosError(error) && error.message.startsWith('maxContentLength'))
      return new AttemptFailure('too_large');
    return this.failed(call, new AttemptFailure('network'));
  }

  /** Decides whether the failed attempt is retried (and when), within the call's budget. */
  private failed(call: CallState, failure: AttemptFailure): AttemptFailure {
    let reason: RetryReason | undefined;
    if (failure.kind === 'timeout' || failure.kind === 'network') reason = failure.kind;
    else if (failure.status !== undefined && this.retryStatuses.has(failure.status)) {
      reason = String(failure.status) as RetryReason;
    }
    const decision = decideRetry(
      this.retrySettings,
      {
        attempt: call.attempts,
        retryable: call.retryable && reason !== undefined,
        retryAfterMs: failure.retryAfterMs,
        now: this.clock.now(),
        deadline: call.deadline,
      },
      this.random,
    );
    if (decision.retry) {
      failure.retryDelayMs = decision.delayMs;
      failure.retryReason = reason;
      this.metrics.retried(reason as RetryReason);
      this.logger.debug(`retrying ${call.req.operation} in ${decision.delayMs} ms (${reason})`);
    }
    return failure;
  }

  private interpret(
    call: CallState,
    response: AxiosResponse<string>,
    schema: ZodType | undefined,
    requireBody: boolean,
  ): UpstreamResponse<unknown> {
    const { status } = response;
    const operation = call.req.operation;
    if (status === 401) throw new AccessTokenRejectedError(this.provider, operation);
    if (status === 403) throw new AccessForbiddenError(this.provider, operation);
    if (status >= 400)
      throw new UpstreamClientError(this.provider, operation, status, upstreamReason(response.data));
    if (status < 200 || status >= 300) {
      throw new UpstreamBadResponseError(this.provider, operation, 'unexpected_status', status);
    }

    const body = response.data;
    let data: unknown;
    if (status !== 204 && typeof body === 'string' && body !== '') {
      try {
        data = JSON.parse(body);
      } catch {
        throw new UpstreamBadResponseError(this.provider, operation, 'unparseable', status);
      }
    }
    if (schema !== undefined && (data !== undefined || requireBody)) {
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        const paths = parsed.error.issues.slice(0, 5).map((issue) => issue.path.join('.') || '(root)');
        throw new UpstreamBadResponseError(this.provider, operation, 'schema', status, paths);
      }
      data = parsed.data;
    }
    const headers = response.headers;
    return {
      status,
      data,
      header: (name) => {
        const value: unknown = headers[name.toLowerCase()];
        if (typeof value === 'string') return value;
        if (Array.isArray(value)) return value.join(', ');
        return typeof value === 'number' ? String(value) : undefined;
      },
    };
  }

  private toTypedError(call: CallState, error: unknown): unknown {
    const { provider } = this;
    const operation = call.req.operation;
    if (error instanceof AttemptFailure) {
      const unavailable = (reason: UnavailableReason): UpstreamUnavailableError =>
        new UpstreamUnavailableError(provider, operation, reason, error.status);
      switch (error.kind) {
        case 'rate_limited':
          return new UpstreamRateLimitedError(provider, operation, error.retryAfterMs);
        case 'too_large':
          return new UpstreamBadResponseError(provider, operation, 'too_large');
        default:
          return unavailable(error.kind);
      }
    }
    if (isBrokenCircuitError(error) || isIsolatedCircuitError(error)) {
      return new UpstreamUnavailableError(provider, operation, 'circuit_open');
    }
    if (isBulkheadRejectedError(error))
      return new UpstreamUnavailableError(provider, operation, 'bulkhead_full');
    if (isTaskCancelledError(error)) return new UpstreamUnavailableError(provider, operation, 'aborted');
    return error;
  }

  private circuitChanged(to: CircuitStateName): void {
    const from = this.circuit;
    if (from === to) return;
    this.circuit = to;
    this.metrics.circuitChanged(from, to);
    if (to === 'open') {
      const last = this.breaker?.lastFailure;
      const cause =
        last !== undefined && 'error' in last && last.error instanceof AttemptFailure
          ? `${last.error.kind}${last.error.status === undefined ? '' : ` ${last.error.status}`}`
          : 'failures';
      this.logger.warn(`circuit ${from} -> open (last failure: ${cause}); calls fail fast`);
    } else {
      this.logger.log(`circuit ${from} -> ${to}`);
    }
  }
}
