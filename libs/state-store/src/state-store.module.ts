import { Module } from '@nestjs/common';
import { TRACING, type Tracing } from '@lib/tracing';
import { StateKeys } from './keys/state-keys';
import { InMemoryStateStore } from './memory/in-memory-state-store';
import { StateStoreMetrics } from './metrics/state-store.metrics';
import { createRedisConnection, describeRedisUrl } from './redis/redis-connection';
import { RedisStateStore } from './redis/redis-state-store';
import { DEVELOPMENT_STATE_KEY_SECRET, STATE_STORE } from './state-store.constants';
import type { StateStore } from './state-store.interface';
import { STATE_STORE_MODULE_OPTIONS, StateStoreConfigurableModule } from './state-store.module-definition';
import type { StateStoreModuleOptions } from './state-store-options.interface';

/** Every default of the store, in one place. */
const DEFAULTS = {
  commandTimeoutMs: 100,
  connectTimeoutMs: 2000,
  maxReconnectDelayMs: 2000,
  breakerFailures: 5,
  breakerHalfOpenAfterMs: 2000,
  maxLocalClaims: 50_000,
  maxLocalValues: 10_000,
} as const satisfies Partial<StateStoreModuleOptions>;

function createStateStore(
  options: StateStoreModuleOptions,
  metrics: StateStoreMetrics,
  tracing?: Tracing,
): StateStore {
  const o = { ...DEFAULTS, ...definedOnly(options) };
  const local = new InMemoryStateStore({ maxClaims: o.maxLocalClaims, maxValues: o.maxLocalValues });
  if (!o.redisUrl) return local;
  const redis = createRedisConnection(o.redisUrl, o);
  return new RedisStateStore(
    redis,
    local,
    metrics,
    {
      target: describeRedisUrl(o.redisUrl),
      breakerFailures: o.breakerFailures,
      breakerHalfOpenAfterMs: o.breakerHalfOpenAfterMs,
      connectTimeoutMs: o.connectTimeoutMs,
    },
    tracing,
  );
}

/**
 * The state shared across pods (`STATE_STORE`): Redis when `redisUrl` is set, else the pod's memory, and the
 * key scheme (`StateKeys`). Global by default; needs the `@lib/metrics` registry.
 */
@Module({
  providers: [
    StateStoreMetrics,
    {
      provide: STATE_STORE,
      inject: [STATE_STORE_MODULE_OPTIONS, StateStoreMetrics, { token: TRACING, optional: true }],
      useFactory: createStateStore,
    },
    {
      provide: StateKeys,
      inject: [STATE_STORE_MODULE_OPTIONS],
      useFactory: (options: StateStoreModuleOptions) =>
        new StateKeys(options.keySecret || DEVELOPMENT_STATE_KEY_SECRET),
    },
  ],
  exports: [STATE_STORE, StateKeys],
})
export class StateStoreModule extends StateStoreConfigurableModule {}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
