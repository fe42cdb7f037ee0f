/** DI token of the app's {@link Tracing} (the no-op one when tracing is off). */
export const TRACING = Symbol('TRACING');

/** The instrumentation scope of every span the service makes. */
export const TRACER_NAME = 'alexa-skill-service';
