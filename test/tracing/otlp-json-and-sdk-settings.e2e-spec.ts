import { exportEverySecret, has, newTraceparent, span, startTracedApp, type TracedApp } from './traced-app';

// The OTEL_* variables the service documents, each seen to work through the SDK that reads them: the http/json
// protocol, the service name, the sampler and its ratio, the batch size. Exported to a receiver on 127.0.0.1.

describe('traces exported over OTLP http/json', () => {
  let a: TracedApp;

  beforeAll(async () => {
    a = await startTracedApp(
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'skill-service-json' },
      { PROGRESSIVE_RESPONSE_DELAY_MS: '50' },
    );
  });
  afterAll(() => a?.close());
  beforeEach(() => a.fake.reset());

  it('sends JSON with the service name of OTEL_SERVICE_NAME, the ingress trace continued', async () => {
    const given = newTraceparent();
    await a.t.alexa(a.linked().intent('WhatsPlayingIntent'), { traceparent: given.header });
    const spans = await a.trace(given.traceId, has('POST /alexa', 'upstream.attempt'));
    expect(span(spans, 'POST /alexa')).toMatchObject({
      parentSpanId: given.parentId,
      resource: { 'service.name': 'skill-service-json' },
    });
    expect(new Set(a.receiver.contentTypes)).toEqual(new Set(['application/json']));
  });

  it('exports no token, signature, user ID or body: not in any attribute, event or resource', async () => {
    const secrets = await exportEverySecret(a);
    const exported = a.receiver.rawText();
    for (const secret of secrets)
      expect({ secret, exported: exported.includes(secret) }).toEqual({ secret, exported: false });
  });
});

describe('the sampler and the batch span processor, set by OTEL_TRACES_SAMPLER(_ARG) and OTEL_BSP_*', () => {
  let a: TracedApp;

  beforeAll(async () => {
    a = await startTracedApp({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Keep the ingress's sampling decision; sample none of the traces that start here.
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',

      OTEL_TRACES_SAMPLER_ARG: '0',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1',
    });
  });
  afterAll(() => a?.close());

  const requestLine = (traceId: string) =>
    a.t.logs.entries().find((line) => line.msg === 'request completed' && line.trace_id === traceId);

  it('exports what the ingress sampled, never a trace the ratio left out; logs carry both with their flag', async () => {
    await a.t.alexa(a.linked().launch());
    const unsampled = a.t.logs.entries().find((line) => line.msg === 'request completed');
    expect(unsampled).toMatchObject({ trace_flags: '00' });
    const notSampledUpstream = newTraceparent();
    await a.t.alexa(a.linked().launch(), { traceparent: notSampledUpstream.header.replace(/-01$/, '-00') });
    const sampled = newTraceparent();
    await a.t.alexa(a.linked().launch(), { traceparent: sampled.header });
    // Spans leave in the order they ended: once the sampled trace is in, the earlier ones would have been too.
    await a.trace(sampled.traceId, has('POST /alexa'));
    expect(requestLine(sampled.traceId)).toMatchObject({ trace_flags: '01' });
    expect(requestLine(notSampledUpstream.traceId)).toMatchObject({ trace_flags: '00' });
    const exportedTraces = new Set(a.receiver.spans.map((s) => s.traceId));
    expect(exportedTraces).toEqual(new Set([sampled.traceId]));
  });

  it('sends one span per export request with OTEL_BSP_MAX_EXPORT_BATCH_SIZE=1', async () => {
    const sampled = newTraceparent();
    await a.t.alexa(a.linked().intent('WhatsPlayingIntent'), { traceparent: sampled.header });
    await a.trace(sampled.traceId, has('POST /alexa', 'upstream.attempt', 'alexa.handler'));
    expect(a.receiver.batches.length).toBeGreaterThan(3);
    expect(new Set(a.receiver.batches)).toEqual(new Set([1]));
  });
});
