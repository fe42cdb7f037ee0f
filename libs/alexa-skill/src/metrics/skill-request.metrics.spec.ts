import { Registry } from 'prom-client';
import { SkillRequestMetrics } from './skill-request.metrics';

describe('SkillRequestMetrics', () => {
  async function apologySeries(
    registry: Registry,
  ): Promise<Array<[Record<string, string | number>, number]>> {
    const metric = await registry.getSingleMetric('alexa_requests_total')!.get();
    return metric.values
      .filter((v) => v.labels.outcome === 'handler_error')
      .map((v) => [v.labels, v.value] as [Record<string, string | number>, number]);
  }

  it('creates every apology series at 0 once the intents are known', async () => {
    const registry = new Registry();
    const metrics = new SkillRequestMetrics(registry);
    expect(await apologySeries(registry)).toEqual([]);

    metrics.setKnownIntents(new Set(['PlayMusicIntent', 'AMAZON.StopIntent']));

    const series = await apologySeries(registry);
    expect(series.every(([, value]) => value === 0)).toBe(true);
    const labels = series.map(([l]) => `${l.request_type} ${l.intent}`);
    expect(labels).toEqual(
      expect.arrayContaining([
        'IntentRequest PlayMusicIntent',
        'IntentRequest AMAZON.StopIntent',
        'IntentRequest other',
        'LaunchRequest none',
        'SessionEndedRequest none',
        'AlexaSkillEvent.SkillAccountLinked none',
        'other none',
      ]),
    );
    // Only intent requests carry an intent; one series per request type otherwise.
    expect(labels.filter((l) => l.startsWith('IntentRequest '))).toHaveLength(3);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('counts an apology on the series it created', async () => {
    const registry = new Registry();
    const metrics = new SkillRequestMetrics(registry);
    metrics.setKnownIntents(new Set(['PlayMusicIntent']));
    const before = (await apologySeries(registry)).length;

    metrics.record('IntentRequest', 'PlayMusicIntent', 'handler_error', 0.01);
    metrics.record('IntentRequest', 'NoSuchIntent', 'handler_error', 0.01);

    const series = await apologySeries(registry);
    expect(series).toHaveLength(before);
    const value = (intent: string) =>
      series.find(([l]) => l.request_type === 'IntentRequest' && l.intent === intent)![1];
    expect([value('PlayMusicIntent'), value('other')]).toEqual([1, 1]);
  });
});
