import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { METRICS_REGISTRY, MetricsModule } from '@lib/metrics';
import { readEnvelope } from '@lib/alexa-protocol';
import {
  ProgressiveResponseClient,
  ProgressiveResponseModule,
  progressiveTargetFrom,
} from '@lib/alexa-skill';
import type { ProgressiveResponseTarget } from '@lib/alexa-skill';
import type { Registry } from 'prom-client';
import { startFakeMusicApi } from '../../tools/fake-music-api.ts';
import type { FakeMusicApi } from '../../tools/fake-music-api.ts';

// Progressive responses against the fake directive endpoint (the fake music API serves POST /v1/directives).

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
    const { facts } = readEnvelope({
      request: { type: 'IntentRequest', requestId: 'amzn1.echo-api.request.42' },
      context: { System: { apiEndpoint: fake.url, apiAccessToken: 'alexa-api-token' } },
    });
    target = progressiveTargetFrom(facts!)!;
  });
  afterAll(async () => {
    await moduleRef.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  /** Work that lasts until the directive endpoint has answered a progressive response. */
  const untilSpoken = async (): Promise<string> => {
    await fake.nextResponse('/v1/directives');
    return 'answer';
  };

  it('speaks once when the work is still running after the delay', async () => {
    await expect(progressive.during(target, 'One moment, please.', untilSpoken)).resolves.toBe('answer');
    expect(fake.directives()).toEqual([
      { requestId: 'amzn1.echo-api.request.42', type: 'VoicePlayer.Speak', speech: 'One moment, please.' },
    ]);
  });

  it('stays silent when the work finishes before the delay: the timer is cancelled, not merely not yet due', async () => {
    jest.useFakeTimers();
    try {
      await expect(progressive.during(target, 'One moment', () => Promise.resolve('answer'))).resolves.toBe(
        'answer',
      );
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
    expect(fake.hits('/v1/directives')).toBe(0);
  });

  it('never delays the answer, even when the directive endpoint hangs', async () => {
    fake.behave({ path: '/v1/directives', mode: 'hang' });
    const registry = moduleRef.get<Registry>(METRICS_REGISTRY);
    /** Directive calls that ended without success (the hung one will, once its budget is spent). */
    const directiveCalls = async () =>
      ((await registry.getSingleMetric('upstream_requests_total')?.get())?.values ?? [])
        .filter((v) => v.labels.provider === 'alexa-directives' && v.labels.outcome !== 'success')
        .reduce((sum, v) => sum + v.value, 0);
    const before = await directiveCalls();
    const work = async () => {
      await fake.nextRequest('/v1/directives');
      return 'answer';
    };
    await expect(progressive.during(target, 'One moment', work)).resolves.toBe('answer');
    // Answered while the directive call is still waiting on the hung endpoint.
    expect(await directiveCalls()).toBe(before);
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
