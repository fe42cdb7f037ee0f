/** DI token of the {@link StateStore} every library shares. */
export const STATE_STORE = Symbol('STATE_STORE');

export const STATE_STORE_ERRORS_METRIC = 'state_store_errors_total';
export const STATE_STORE_UP_METRIC = 'state_store_up';

/**
 * The HMAC key used when none is configured: development and tests only (start-up refuses Redis without
 * `STATE_KEY_SECRET` in production). Fixed, so that pods started alike build the same keys.
 */
export const DEVELOPMENT_STATE_KEY_SECRET = 'alexa-skill-service:development-state-key';
