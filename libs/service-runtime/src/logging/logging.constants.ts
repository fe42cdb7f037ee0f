/** DI token of the process's pino logger. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
/** DI token of the ServiceLoggingModule options. */
export const SERVICE_LOGGING_OPTIONS = Symbol('SERVICE_LOGGING_OPTIONS');
/** DI token of the non-redacting logger of the one line per request. */
export const REQUEST_LOGGER = Symbol('REQUEST_LOGGER');
/** DI token of the ServiceLoggers (for flushing on shutdown). */
export const SERVICE_LOGGERS = Symbol('SERVICE_LOGGERS');
