/** DI token of the built-in handlers' SpeechTexts (with the module's overrides applied). */
export const BUILT_IN_TEXTS_TOKEN = Symbol('BUILT_IN_TEXTS');

/** DI token of the configured skill endpoint route. */
export const ALEXA_SKILL_ENDPOINT_PATH = Symbol('ALEXA_SKILL_ENDPOINT_PATH');
