export { MetricsModule } from './metrics.module';
export { METRICS_REGISTRY } from './metrics.constants';
export type { MetricsModuleOptions } from './metrics-options.interface';
export { MetricsServer } from './metrics-server.service';
export { counter, gauge, histogram } from './metric-factory';
