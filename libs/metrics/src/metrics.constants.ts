/** DI token of the prom-client Registry every library registers its metrics in. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
