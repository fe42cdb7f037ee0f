import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { METRICS_REGISTRY, MetricsModule } from '@lib/metrics';
import {
  ProgressiveResponseClient,
  ProgressiveResponseModule,
  progressiveTargetFrom,
} from '@lib/resilient-http';
import type { ProgressiveResponseTarget } from '@lib/resilient-http';
import type { Registry } from 'prom-client';
import { startFakeMusicApi } from '../../tools/fake-music-api.ts';
import type { FakeMusicApi } from '../../tools/fake-music-api.ts';

// Progressive responses against the fake directive endpoint (the fake music API serves POST /v1/directives).

const sleep = <T>(ms: number, value: T): Promise<T> =>
  new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('ProgressiveResponseClient against a local directive endpoint', () => {
  let fake: FakeMusicApi;
  let moduleRef: TestingModule;
  let progressive: ProgressiveResponseClient;
  let target: ProgressiveResponseTarget;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    fake = await startFakeMusicApi();
    moduleRef = await Test.createTestingModule({
      imports: [
        MetricsModule.forRoot({ serve: false, defaultMetrics: false }),
        ProgressiveResponseModule.forRoot({ delayMs: 100, allowAnyEndpoint: true, environment: 'test' }),
      ],
    }).compile();
    progressive = moduleRef.get(ProgressiveResponseClient);
    target = progressiveTargetFrom({
      request: { type: 'IntentRequest', requestId: 'amzn1.echo-api.request.42' },
      context: { System: { apiEndpoint: fake.url, apiAccessToken: 'alexa-api-token' } },
    })!;
  });
  afterAll(async () => {
    await moduleRef.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('speaks once when the work is still running after the delay', async () => {
    await expect(progressive.during(target, 'One moment, please.', () => sleep(300, 'answer'))).resolves.toBe(
      'answer',
    );
    expect(fake.directives()).toEqual([
      { requestId: 'amzn1.echo-api.request.42', type: 'VoicePlayer.Speak', speech: 'One moment, please.' },
    ]);
  });

  it('stays silent when the work finishes before the delay', async () => {
    await progressive.during(target, 'One moment', () => sleep(20, 'answer'));
    await sleep(150, undefined);
    expect(fake.hits('/v1/directives')).toBe(0);
  });

  it('never delays the answer, even when the directive endpoint hangs', async () => {
    fake.behave({ path: '/v1/directives', mode: 'hang' });
    const start = performance.now();
    await expect(progressive.during(target, 'One moment', () => sleep(250, 'answer'))).resolves.toBe(
      'answer',
    );
    expect(performance.now() - start).toBeLessThan(250 + 100);
    expect(fake.hits('/v1/directives')).toBe(1);
  });

  it('does not throw when the directive endpoint fails, and does not retry the POST', async () => {
    fake.behave({ path: '/v1/directives', mode: 'fail', status: 503 });
    await expect(progressive.send(target, 'One moment')).resolves.toBe(false);
    expect(fake.hits('/v1/directives')).toBe(1);
    const registry = moduleRef.get<Registry>(METRICS_REGISTRY);
    const text = await registry.getSingleMetricAsString('upstream_requests_total');
    expect(text).toContain(
      'provider="alexa-directives",operation="progressive_response",outcome="server_error"',
    );
  });

  it('refuses a non-Amazon endpoint without the override', async () => {
    const strict = await Test.createTestingModule({
      imports: [ProgressiveResponseModule.forRoot({})],
    }).compile();
    await expect(strict.get(ProgressiveResponseClient).send(target, 'One moment')).resolves.toBe(false);
    expect(fake.hits()).toBe(0);
    await strict.close();
  });

  it('refuses to start with the override in production', async () => {
    const building = Test.createTestingModule({
      imports: [ProgressiveResponseModule.forRoot({ allowAnyEndpoint: true, environment: 'production' })],
    }).compile();
    await expect(building).rejects.toThrow(/refused in production/);
  });
});
