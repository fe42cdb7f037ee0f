/**
 * The state the service shares across pods: request IDs seen (replay protection, skill-event dedupe) and small
 * values (per-user attributes). Two implementations: in memory (one pod) and Redis (every pod).
 *
 * The two families fail differently, because their callers need different things when the shared store is down:
 * - `claim` / `extend` / `release` never reject: the pod's own memory answers when the shared store cannot, so a
 *   request is never refused or delayed for want of Redis (protection is then per pod until Redis returns);
 * - `get` / `set` / `delete` reject with {@link StateStoreUnavailableError}: a caller must not mistake "could not
 *   read" for "nothing stored" (it would overwrite what it could not see).
 */
export interface StateStore {
  /** Which store answers: `memory` (per pod) or `redis` (shared). */
  readonly backend: StateStoreBackend;
  /**
   * Sets `key` for `ttlMs` unless it is set already (Redis `SET NX PX`). `true` when this call set it.
   * Answers synchronously when it can (the pod's memory decides: it runs once per request).
   */
  claim(key: string, ttlMs: number): boolean | Promise<boolean>;
  /** Keeps a claimed `key` for `ttlMs` from now (a lease made final). Best effort. */
  extend(key: string, ttlMs: number): Promise<void>;
  /** Gives a claim up, so the next claim of `key` succeeds. Best effort. */
  release(key: string): Promise<void>;
  /** The value of `key`, `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Sets `key` to `value` for `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export type StateStoreBackend = 'memory' | 'redis';

/** The shared store could not answer (down, slow or refusing); nothing is known about the key. */
export class StateStoreUnavailableError extends Error {
  override readonly name = 'StateStoreUnavailableError';
  constructor(readonly operation: StateStoreOperation) {
    super(`state store unavailable (${operation})`);
  }
}

/** Bounded label values of `state_store_errors_total{operation}`. */
export const STATE_STORE_OPERATIONS = ['claim', 'extend', 'release', 'get', 'set', 'delete'] as const;
export type StateStoreOperation = (typeof STATE_STORE_OPERATIONS)[number];
