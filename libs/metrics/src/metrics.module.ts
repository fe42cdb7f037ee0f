import { Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics.constants';
import { MetricsConfigurableModule, METRICS_MODULE_OPTIONS } from './metrics.module-definition';
import type { MetricsModuleOptions } from './metrics-options.interface';
import { MetricsServer } from './metrics-server.service';
import { HttpMetricsHooks } from './http-metrics.hooks';

/**
 * One prom-client Registry per application (never the global one, so tests can run several apps in one
 * process) and the management server that exposes it.
 */
@Module({
  providers: [
    {
      provide: METRICS_REGISTRY,
      inject: [METRICS_MODULE_OPTIONS],
      useFactory: (options: MetricsModuleOptions): Registry => {
        const registry = new Registry();
        if (options.defaultMetrics !== false) {
          collectDefaultMetrics({ register: registry, prefix: options.defaultMetricsPrefix ?? '' });
        }
        return registry;
      },
    },
    MetricsServer,
    HttpMetricsHooks,
  ],
  exports: [METRICS_REGISTRY, MetricsServer],
})
export class MetricsModule extends MetricsConfigurableModule {}
