import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Registry } from 'prom-client';
import { METRICS_REGISTRY, MetricsModule, MetricsServer } from './index';
import { counter } from './metric-factory';

describe('MetricsModule', () => {
  it('serves the registry on its own management port', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [MetricsModule.forRoot({ port: 0, host: '127.0.0.1' })],
    }).compile();
    const app = moduleRef.createNestApplication(new FastifyAdapter());
    await app.init();
    try {
      const registry = app.get<Registry>(METRICS_REGISTRY);
      counter(registry, { name: 'demo_total', help: 'a demo counter' }).inc(3);
      const port = app.get(MetricsServer).port();
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('demo_total 3');
      expect(text).toContain('process_cpu_user_seconds_total');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('returns the existing metric when asked twice for the same name', () => {
    const registry = new Registry();
    const a = counter(registry, { name: 'x_total', help: 'x' });
    expect(counter(registry, { name: 'x_total', help: 'x' })).toBe(a);
  });
});
