import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { NOOP_TRACING } from './noop-tracing';
import { OtelTracing } from './otel-tracing';
import { TRACING } from './tracing.constants';

export interface TracingModuleOptions {
  /**
   * The started OpenTelemetry SDK: spans are recorded through the API it registered, and it is shut down (its
   * last spans exported) when the app closes. Undefined: tracing is off and every library gets the no-op tracing.
   * @default undefined
   */
  sdk?: { shutdown(): Promise<void> };
}

const TRACING_MODULE_OPTIONS = Symbol('TRACING_MODULE_OPTIONS');

/** Shuts the SDK down when the app closes (in-flight requests have ended, so their spans are exported). */
@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  constructor(@Inject(TRACING_MODULE_OPTIONS) private readonly options: TracingModuleOptions) {}

  async onApplicationShutdown(): Promise<void> {
    await this.options.sdk?.shutdown();
  }
}

/** Provides `TRACING` app-wide: OpenTelemetry spans when the app started the SDK, the no-op tracing otherwise. */
@Global()
@Module({})
export class TracingModule {
  static forRoot(options: TracingModuleOptions = {}): DynamicModule {
    return {
      module: TracingModule,
      providers: [
        { provide: TRACING_MODULE_OPTIONS, useValue: options },
        { provide: TRACING, useValue: options.sdk ? new OtelTracing() : NOOP_TRACING },
        TracingShutdown,
      ],
      exports: [TRACING],
    };
  }
}
