export interface StateStoreModuleOptions {
  /**
   * Redis to share state through: `redis://[user:password@]host:port/db`, `rediss://` for TLS (`REDIS_URL`).
   * Unset: state lives in the pod's memory. @default undefined
   */
  redisUrl?: string;
  /** HMAC-SHA-256 key of user IDs in keys (`STATE_KEY_SECRET`). @default DEVELOPMENT_STATE_KEY_SECRET */
  keySecret?: string;
  /** Longest wait for one Redis command before the fallback answers (`STATE_COMMAND_TIMEOUT_MS`). @default 100 */
  commandTimeoutMs?: number;
  /** Longest wait for a (re)connection attempt. @default 2000 */
  connectTimeoutMs?: number;
  /** Longest pause between reconnection attempts (exponential backoff with jitter up to it). @default 2000 */
  maxReconnectDelayMs?: number;
  /** Consecutive failed commands after which Redis is skipped (the fallback answers at once). @default 5 */
  breakerFailures?: number;
  /** How long Redis is skipped before one command probes it again. @default 2000 */
  breakerHalfOpenAfterMs?: number;
  /** Most claims (request IDs) the pod keeps in its own memory, with or without Redis. @default 50000 */
  maxLocalClaims?: number;
  /** Most values the in-memory store keeps (per-user attributes without Redis). @default 10000 */
  maxLocalValues?: number;
  /** Share the store app-wide (registered globally). @default true */
  isGlobal?: boolean;
}
