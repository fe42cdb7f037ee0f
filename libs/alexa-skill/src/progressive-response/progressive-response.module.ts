import { Module } from '@nestjs/common';
import { METRICS_REGISTRY } from '@lib/metrics';
import { ResilientHttpClient } from '@lib/resilient-http';
import { TRACING, type Tracing } from '@lib/tracing';
import type { Registry } from 'prom-client';
import { ALEXA_DIRECTIVES_PROVIDER } from './progressive-response.constants';
import { ProgressiveResponseClient } from './progressive-response.client';
import {
  PROGRESSIVE_RESPONSE_OPTIONS,
  ProgressiveResponseConfigurableModule,
} from './progressive-response.module-definition';
import type { ProgressiveResponseOptions } from './progressive-response-options.interface';

/** Provides {@link ProgressiveResponseClient}, backed by a resilient client named `alexa-directives`. */
@Module({
  providers: [
    {
      provide: ProgressiveResponseClient,
      inject: [
        PROGRESSIVE_RESPONSE_OPTIONS,
        { token: METRICS_REGISTRY, optional: true },
        { token: TRACING, optional: true },
      ],
      useFactory: (options: ProgressiveResponseOptions, registry?: Registry, tracing?: Tracing) =>
        new ProgressiveResponseClient(
          new ResilientHttpClient(
            { totalBudgetMs: 1000, attemptTimeoutMs: 1000, ...options.http, name: ALEXA_DIRECTIVES_PROVIDER },
            registry,
            tracing,
          ),
          options,
          tracing,
        ),
    },
  ],
  exports: [ProgressiveResponseClient],
})
export class ProgressiveResponseModule extends ProgressiveResponseConfigurableModule {}
