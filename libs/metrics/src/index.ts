export { MetricsModule } from './metrics.module';
export { METRICS_REGISTRY, METRICS_SERVER_DEFAULTS } from './metrics.constants';
export type { MetricsModuleOptions } from './metrics-options.interface';
export { MetricsServer } from './metrics-server.service';
export { counter, gauge, histogram } from './metric-factory';
