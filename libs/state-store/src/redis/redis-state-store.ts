import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { NOOP_TRACING, type Tracing } from '@lib/tracing';
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleAll,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { Redis } from 'ioredis';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { InMemoryStateStore } from '../memory/in-memory-state-store';
import type { StateStoreMetrics } from '../metrics/state-store.metrics';
import {
  STATE_STORE_OPERATIONS,
  type StateStore,
  type StateStoreOperation,
  StateStoreUnavailableError,
} from '../state-store.interface';

export interface RedisStateStoreSettings {
  /** `scheme://host:port/db` of the server, for log lines (never credentials). */
  target: string;
  breakerFailures: number;
  breakerHalfOpenAfterMs: number;
  /** How long start-up waits for the first connection before going on without it. */
  connectTimeoutMs: number;
}

/** One span per Redis command, named by operation (`state_store.get`, ...): never the key. */
const commandSpan = (operation: StateStoreOperation) => ({
  name: `state_store.${operation}`,
  attributes: Object.freeze({ 'db.system.name': 'redis', 'state_store.operation': operation }),
});
const COMMAND_SPANS = Object.fromEntries(
  STATE_STORE_OPERATIONS.map((operation) => [operation, commandSpan(operation)]),
) as Record<StateStoreOperation, ReturnType<typeof commandSpan>>;

/** How long a clean QUIT may take at shutdown before the socket is closed. */
const QUIT_TIMEOUT_MS = 1000;

/**
 * The shared store: one Redis connection per pod, with the pod's {@link InMemoryStateStore} beside it.
 * Claims are made locally first (a request ID this pod has seen costs no round trip), then in Redis with one
 * `SET NX PX`; when Redis fails, the local answer stands. After `breakerFailures` consecutive failures Redis is
 * skipped for `breakerHalfOpenAfterMs` (one command then probes it), so a slow Redis costs a few requests one
 * command timeout each, not every request. Every fallback is counted in `state_store_errors_total{operation}`;
 * `state_store_up` and one log line follow each change between shared and per pod.
 */
export class RedisStateStore implements StateStore, OnApplicationBootstrap, OnApplicationShutdown {
  readonly backend = 'redis';
  private readonly logger = new Logger('StateStore');
  private readonly breaker: CircuitBreakerPolicy;
  private shared: boolean | undefined;
  private problem = 'not connected yet';
  /** Set at shutdown: closing the connection is not an outage. */
  private closing = false;
  private probeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly local: InMemoryStateStore,
    private readonly metrics: StateStoreMetrics,
    private readonly settings: RedisStateStoreSettings,
    private readonly tracing: Tracing = NOOP_TRACING,
  ) {
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: settings.breakerHalfOpenAfterMs,
      breaker: new ConsecutiveBreaker(settings.breakerFailures),
    });
    this.breaker.onStateChange(() => this.report());
    this.breaker.onBreak(() => this.scheduleProbe());
    redis.on('ready', () => this.report());
    redis.on('close', () => this.report());
    // Without a listener an error event would end the process; the cause is logged once per change.
    redis.on('error', (error: Error & { code?: string }) => {
      this.problem = error.code ?? error.name;
      this.report();
    });
  }

  /** Connects, waiting at most `connectTimeoutMs`: a pod starts whether Redis answers or not. */
  async onApplicationBootstrap(): Promise<void> {
    const abort = new AbortController();
    this.redis.connect().catch(() => undefined);
    await Promise.race([
      once(this.redis, 'ready', { signal: abort.signal }),
      delay(this.settings.connectTimeoutMs, undefined, { signal: abort.signal }),
    ]).catch(() => undefined);
    abort.abort();
    this.report();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.probeTimer);
    if (this.redis.status === 'end') return;
    const abort = new AbortController();
    await Promise.race([
      this.redis.quit().catch(() => undefined),
      delay(QUIT_TIMEOUT_MS, undefined, { signal: abort.signal }).catch(() => undefined),
    ]);
    abort.abort();
    this.redis.disconnect();
  }

  claim(key: string, ttlMs: number): boolean | Promise<boolean> {
    if (!this.local.claimNow(key, ttlMs)) return false;
    if (!this.usable) return this.fellBack('claim', true);
    return this.run('claim', () => this.redis.set(key, '1', 'PX', wholeMs(ttlMs), 'NX')).then(
      (reply) => reply === 'OK',
      () => this.fellBack('claim', true),
    );
  }

  async extend(key: string, ttlMs: number): Promise<void> {
    this.local.extendNow(key, ttlMs);
    try {
      await this.run('extend', () => this.redis.set(key, '1', 'PX', wholeMs(ttlMs)));
    } catch {
      this.fellBack('extend', undefined);
    }
  }

  async release(key: string): Promise<void> {
    this.local.releaseNow(key);
    try {
      await this.run('release', () => this.redis.del(key));
    } catch {
      this.fellBack('release', undefined);
    }
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.run('get', () => this.redis.get(key))) ?? undefined;
    } catch {
      throw this.unavailable('get');
    }
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    try {
      await this.run('set', () => this.redis.set(key, value, 'PX', wholeMs(ttlMs)));
    } catch {
      throw this.unavailable('set');
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.run('delete', () => this.redis.del(key));
    } catch {
      throw this.unavailable('delete');
    }
  }

  /** Whether state is shared right now (connected, and not skipped after failures). */
  get isShared(): boolean {
    return this.redis.status === 'ready' && this.breaker.state === CircuitState.Closed;
  }

  /** Down, or a probe already in flight: the fallback answers now rather than queue behind it. */
  private get usable(): boolean {
    return this.redis.status === 'ready' && this.breaker.state !== CircuitState.HalfOpen;
  }

  /** One command through the breaker, in its span when tracing (a failed command fails the span). */
  private run<T>(operation: StateStoreOperation, command: () => Promise<T>): Promise<T> {
    if (!this.usable) return Promise.reject(new BrokenCircuitError());
    if (!this.tracing.enabled) return this.breaker.execute(command);
    const span = COMMAND_SPANS[operation];
    return this.tracing.inSpan(span.name, span.attributes, () => this.breaker.execute(command));
  }

  private scheduleProbe(): void {
    clearTimeout(this.probeTimer);
    if (this.closing) return;
    this.probeTimer = setTimeout(() => this.probe(), this.settings.breakerHalfOpenAfterMs);
    this.probeTimer.unref();
  }

  /**
   * An open breaker is otherwise probed only by the next command, so an idle pod would report Redis down
   * (`state_store_up` 0, the alert firing) long after it came back. A failed probe opens it again.
   */
  private probe(): void {
    if (this.closing || this.breaker.state !== CircuitState.Open) return;
    if (this.redis.status !== 'ready') return this.scheduleProbe();
    this.breaker
      .execute(() => this.redis.ping())
      .catch((error: unknown) => {
        if (error instanceof BrokenCircuitError && this.breaker.state === CircuitState.Open)
          this.scheduleProbe();
      });
  }

  private fellBack<T>(operation: StateStoreOperation, answer: T): T {
    this.metrics.failed(operation);
    return answer;
  }

  private unavailable(operation: StateStoreOperation): StateStoreUnavailableError {
    this.metrics.failed(operation);
    return new StateStoreUnavailableError(operation);
  }

  /** One log line and one gauge change per transition between shared and per pod, never one per request. */
  private report(): void {
    const shared = this.isShared;
    if (shared === this.shared || this.closing) return;
    const first = this.shared === undefined;
    this.shared = shared;
    this.metrics.setUp(shared);
    const target = this.settings.target;
    if (shared) {
      this.logger.log(
        first
          ? `Redis at ${target} connected: state is shared across pods`
          : `Redis at ${target} answers again: sharing resumed`,
      );
    } else {
      const cause = this.breaker.state === CircuitState.Open ? 'commands failing' : this.problem;
      this.logger.warn(
        `Redis at ${target} unavailable (${cause}): replay protection and event dedupe work per pod, ` +
          'attributes are neither read nor saved, until it answers',
      );
    }
  }
}

/** Redis wants a whole, positive number of milliseconds. */
function wholeMs(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}
