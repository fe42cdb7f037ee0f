/** DI token of the process's pino logger. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
/** DI token of the ServiceLoggingModule options. */
export const SERVICE_LOGGING_OPTIONS = Symbol('SERVICE_LOGGING_OPTIONS');
