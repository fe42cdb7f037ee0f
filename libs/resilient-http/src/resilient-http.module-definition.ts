import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { Provider } from '@nestjs/common';
import { METRICS_REGISTRY } from '@lib/metrics';
import { TRACING, type Tracing } from '@lib/tracing';
import type { Registry } from 'prom-client';
import { ResilientHttpClient } from './client';
import { getResilientClientToken, RESILIENT_CLIENT_OPTIONS } from './resilient-http.constants';
import type { ResilientClientOptions } from './resilient-http-options.interface';

export const {
  ConfigurableModuleClass: ResilientHttpConfigurableModule,
  OPTIONS_TYPE: RESILIENT_HTTP_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: RESILIENT_HTTP_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ResilientClientOptions>({ optionsInjectionToken: RESILIENT_CLIENT_OPTIONS })
  .setClassMethodName('forFeature')
  // The provider name is static (it names the exported token); the settings may come from config.
  .setExtras({ name: '' }, (definition, extras) => {
    if (extras.name === '') throw new Error('ResilientHttpModule.forFeature needs a provider name');
    const token = getResilientClientToken(extras.name);
    const client: Provider = {
      provide: token,
      inject: [
        RESILIENT_CLIENT_OPTIONS,
        { token: METRICS_REGISTRY, optional: true },
        { token: TRACING, optional: true },
      ],
      useFactory: (options: ResilientClientOptions, registry?: Registry, tracing?: Tracing) =>
        new ResilientHttpClient({ ...options, name: extras.name }, registry, tracing),
    };
    return { ...definition, providers: [...(definition.providers ?? []), client], exports: [token] };
  })
  .build();
