import { Module } from '@nestjs/common';
import { ResilientHttpConfigurableModule } from './resilient-http.module-definition';

/**
 * Declares one resilient HTTP client per upstream provider (`name` is required):
 *
 * ```ts
 * ResilientHttpModule.forFeature({ name: 'music', baseURL: 'https://api.spotify.com', totalBudgetMs: 2500 })
 * ResilientHttpModule.forFeatureAsync({ name: 'music', inject: [MUSIC_OPTIONS], useFactory: (o) => ({ ... }) })
 * // then: constructor(@InjectResilientClient('music') private readonly http: ResilientHttpClient) {}
 * ```
 *
 * Upstream metrics go to the app's registry (`METRICS_REGISTRY` from `MetricsModule`) when there is one.
 */
@Module({})
export class ResilientHttpModule extends ResilientHttpConfigurableModule {}
