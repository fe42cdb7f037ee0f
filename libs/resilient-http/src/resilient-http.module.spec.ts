import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { METRICS_REGISTRY, MetricsModule } from '@lib/metrics';
import { Registry } from 'prom-client';
import {
  getResilientClientToken,
  InjectResilientClient,
  ResilientHttpClient,
  ResilientHttpModule,
} from './index';

@Injectable()
class TwoProviders {
  constructor(
    @InjectResilientClient('music') readonly music: ResilientHttpClient,
    @InjectResilientClient('weather') readonly weather: ResilientHttpClient,
  ) {}
}

describe('ResilientHttpModule', () => {
  it('declares one client per provider, registering metrics in the app registry', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        MetricsModule.forRoot({ serve: false, defaultMetrics: false }),
        ResilientHttpModule.forFeature({ name: 'music', baseURL: 'http://127.0.0.1:1' }),
        ResilientHttpModule.forFeatureAsync({
          name: 'weather',
          useFactory: () => ({ baseURL: 'http://127.0.0.1:2', totalBudgetMs: 1000 }),
        }),
      ],
      providers: [TwoProviders],
    }).compile();
    const { music, weather } = moduleRef.get(TwoProviders);
    expect(music.provider).toBe('music');
    expect(weather.provider).toBe('weather');
    expect(music).not.toBe(weather);
    const registry = moduleRef.get<Registry>(METRICS_REGISTRY);
    const states = await registry.getSingleMetric('upstream_circuit_state')!.get();
    expect(states.values.map((v) => v.labels.provider).sort()).toEqual(['music', 'weather']);
    await moduleRef.close();
  });

  it('works without a metrics registry in the app', async () => {
    @Module({ imports: [ResilientHttpModule.forFeature({ name: 'solo' })], providers: [] })
    class SoloModule {}
    const moduleRef = await Test.createTestingModule({ imports: [SoloModule] }).compile();
    const client = moduleRef.get<ResilientHttpClient>(getResilientClientToken('solo'), { strict: false });
    expect(client).toBeInstanceOf(ResilientHttpClient);
    await moduleRef.close();
  });

  it('refuses a client without a provider name', () => {
    expect(() => ResilientHttpModule.forFeature({ baseURL: 'http://x' })).toThrow(/provider name/);
  });
});
