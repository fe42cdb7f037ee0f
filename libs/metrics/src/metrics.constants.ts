/** DI token of the prom-client Registry every library registers its metrics in. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/** Where the management server listens when not configured (the service's env schema uses them as defaults). */
export const METRICS_SERVER_DEFAULTS = { port: 9464, host: '0.0.0.0' } as const;
