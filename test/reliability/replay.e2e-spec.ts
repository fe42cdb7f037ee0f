import { alexaRequest, type AlexaRequestBuilder } from '../../tools/alexa-request/envelope.ts';
import { createTestApp, type TestApp } from '../support/test-app';
import { DispatchProbe, DispatchProbeModule, LinkingEventProbe } from './support/dispatch-probe.module';
import { increments, MetricCounters } from './support/metric-counters';

// Replay protection through the whole app as deployed (createTestApp: real signing, real guard, the
// skill core and account linking): what a replayed request and a redelivered skill event each cost.

const REFUSAL = { error: 'request verification failed' };

describe('replay protection end to end (on by default, per pod)', () => {
  let t: TestApp;
  let counters: MetricCounters;
  let probe: DispatchProbe;
  let events: LinkingEventProbe;

  beforeAll(async () => {
    t = await createTestApp({ imports: [DispatchProbeModule] });
    counters = new MetricCounters(t.app);
    probe = t.app.get(DispatchProbe);
    events = t.app.get(LinkingEventProbe);
  });
  afterAll(() => t.close());

  /** Sends the same signed bytes (the builder's `body()` is stable once its request ID is fixed). */
  const sendBytes = (bytes: string) => t.alexa(bytes);

  it.each<[string, () => AlexaRequestBuilder]>([
    ['LaunchRequest', () => alexaRequest().launch()],
    ['IntentRequest', () => alexaRequest().intent('AMAZON.HelpIntent')],
    ['SessionEndedRequest', () => alexaRequest().sessionEnded()],
  ])(
    'refuses a second %s with the same request ID: 400, check="replay", handler not run again',
    async (type, build) => {
      const bytes = build().requestId(`amzn1.echo-api.request.e2e-replay-${type}`).body();
      const first = await sendBytes(bytes);
      expect(first.statusCode).toBe(200);

      const before = await counters.snapshot();
      const dispatched = probe.dispatched;
      const second = await sendBytes(bytes);
      expect([second.statusCode, second.json()]).toEqual([400, REFUSAL]);
      const after = await counters.snapshot();
      expect(increments(before.verification, after.verification)).toEqual({ replay: 1 });
      expect(increments(before.http, after.http)).toEqual({ '4xx': 1 });
      expect(probe.dispatched).toBe(dispatched);
    },
  );

  it('refuses a replay with a fresh signature too: the request ID decides, not the bytes', async () => {
    const builder = alexaRequest()
      .intent('AMAZON.HelpIntent')
      .requestId('amzn1.echo-api.request.e2e-resigned');
    expect((await t.alexa(builder.body())).statusCode).toBe(200);
    // A new timestamp gives new bytes and a new signature; the request ID is what Amazon promises is unique.
    const later = builder.timestamp(new Date(Date.now() + 1000)).body();
    expect((await t.alexa(later)).statusCode).toBe(400);
  });

  it('lets exactly one of three identical requests sent at the same moment through', async () => {
    const bytes = alexaRequest().launch().requestId('amzn1.echo-api.request.e2e-race').body();
    const dispatched = probe.dispatched;
    const replies = await Promise.all([sendBytes(bytes), sendBytes(bytes), sendBytes(bytes)]);
    expect(replies.map((r) => r.statusCode).sort()).toEqual([200, 400, 400]);
    expect(probe.dispatched - dispatched).toBe(1);
  });

  it.each([
    ['AlexaSkillEvent.SkillAccountLinked', 'linked', { accessToken: 'event-token' }],
    ['AlexaSkillEvent.SkillEnabled', 'enabled', {}],
    ['AlexaSkillEvent.SkillDisabled', 'disabled', { userInformationPersistenceStatus: 'NOT_PERSISTED' }],
  ])('acknowledges a redelivered %s with 200, processed and counted once', async (type, label, body) => {
    const bytes = alexaRequest()
      .event(type, body)
      .requestId(`amzn1.echo-api.request.e2e-event-${label}`)
      .timestamp(new Date(Date.now() - 20 * 60_000)) // Amazon retries events for up to an hour
      .body();
    const eventsBefore = events.received.length;
    const counted = async () =>
      (await counters.samples('alexa_account_link_events_total')).find((s) => s.labels.event === label)
        ?.value ?? 0;
    const countedBefore = await counted();

    const first = await sendBytes(bytes);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ version: '1.0', response: {} });
    const before = await counters.snapshot();
    const dispatched = probe.dispatched;
    for (let i = 0; i < 3; i++) {
      const again = await sendBytes(bytes);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ version: '1.0', response: {} });
    }
    const after = await counters.snapshot();

    expect(events.received.length - eventsBefore).toBe(1);
    expect(events.received.at(-1)).toMatchObject({
      event: label,
      requestId: `amzn1.echo-api.request.e2e-event-${label}`,
    });
    expect((await counted()) - countedBefore).toBe(1);
    expect(probe.dispatched).toBe(dispatched); // the redeliveries reached no interceptor or handler
    expect(after.verificationTotal).toBe(before.verificationTotal); // and are no verification failure
    expect(increments(before.http, after.http)).toEqual({ '2xx': 3 });
  });
});
