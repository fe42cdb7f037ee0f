/** DI token of the built-in handlers' SpeechTexts (with the module's overrides applied). */
export const BUILT_IN_TEXTS_TOKEN = Symbol('BUILT_IN_TEXTS');

/** DI token of the configured skill endpoint route. */
export const ALEXA_SKILL_ENDPOINT_PATH = Symbol('ALEXA_SKILL_ENDPOINT_PATH');

/** Time a handler has from arrival when `deadlineMs` is not set: Alexa gives up after 8 s. */
export const DEFAULT_DEADLINE_MS = 7000;

/** How long per-user persistent attributes live after their last save, when not configured: 30 days. */
export const DEFAULT_ATTRIBUTES_TTL_SECONDS = 30 * 24 * 60 * 60;

/** Largest response envelope when not configured: Amazon's limit for the whole response, 120 KB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 122_880;

/** Route of the skill endpoint when none is configured. */
export const DEFAULT_ENDPOINT_PATH = '/alexa';
