import { context, diag, propagation, trace } from '@opentelemetry/api';
import { randomBytes } from 'node:crypto';
import { startTracingSdk } from '../../apps/skill-service/src/tracing-sdk';
import {
  alexaRequest,
  type AlexaRequestBuilder,
  DEFAULT_USER_ID,
} from '../../tools/alexa-request/envelope.ts';
import { type FakeMusicApi, startFakeMusicApi } from '../../tools/fake-music-api.ts';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver';
import { createTestApp, type TestApp } from '../support/test-app';
import { TestDomainModule } from '../support/test-domain.module';

/** The linked user's token at the fake music API: a secret no span may carry. */
export const LINKED_TOKEN = 'Atza|IwEBItracing-linked-token-5e81c2';

export interface TracedApp {
  t: TestApp;
  fake: FakeMusicApi;
  receiver: OtlpReceiver;
  /** A request from the linked user, whose progressive responses go to the fake API. */
  linked(): AlexaRequestBuilder;
  /** Resolves with the spans of `traceId` once `condition` holds for them. */
  trace(traceId: string, condition: (spans: readonly ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

/** A W3C `traceparent` of a new, sampled trace, as an ingress sends it. */
export function newTraceparent(): { header: string; traceId: string; parentId: string } {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { header: `00-${traceId}-${parentId}-01`, traceId, parentId };
}

/** Reads a `traceparent` header: version, trace ID, parent (span) ID, flags. */
export function parseTraceparent(header: string | undefined): { traceId: string; spanId: string } {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(header ?? '');
  if (!match) throw new Error(`not a traceparent: ${header}`);
  return { traceId: match[1], spanId: match[2] };
}

/**
 * The real app with tracing started exactly as `main.ts` starts it: the OpenTelemetry SDK reads `otel` (the
 * OTEL_* variables) from the environment, here pointed at a local OTLP receiver; a fake music API on 127.0.0.1
 * plays the upstream. Spans are exported every 50 ms (OTEL_BSP_SCHEDULE_DELAY) so tests wait briefly.
 */
export async function startTracedApp(
  otel: Record<string, string>,
  env: Record<string, string> = {},
): Promise<TracedApp> {
  const receiver = await startOtlpReceiver();
  const fake = await startFakeMusicApi({ tokens: { [LINKED_TOKEN]: { displayName: 'Ada Lovelace' } } });
  const variables = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '50',
    ...otel,
  };
  const previous = Object.entries(variables).map(([name]) => [name, process.env[name]] as const);
  Object.assign(process.env, variables);
  let sdk: ReturnType<typeof startTracingSdk>;
  try {
    sdk = startTracingSdk();
  } finally {
    // The SDK read its settings at start; nothing else in this process should see them.
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  const t = await createTestApp({
    env: { ...variables, MUSIC_API_BASE_URL: fake.url, ALEXA_API_ENDPOINT_ALLOW_ANY: 'true', ...env },
    imports: [TestDomainModule],
    tracing: sdk,
  });
  return {
    t,
    fake,
    receiver,
    linked: () => alexaRequest().linked(LINKED_TOKEN).apiEndpoint(fake.url),
    async trace(traceId, condition) {
      const of = (spans: readonly ReceivedSpan[]) => spans.filter((s) => s.traceId === traceId);
      await receiver.until((spans) => condition(of(spans)));
      return of(receiver.spans);
    },
    async close() {
      // Closing the app shuts the SDK down (its last spans exported); the API is then free for another SDK.
      await t.close();
      trace.disable();
      context.disable();
      propagation.disable();
      diag.disable();
      await receiver.close();
      await fake.close();
    },
  };
}

/**
 * Everything secret a request can bring, sent through every traced path (a linked intent with a slow search, so
 * a progressive response carries the Alexa API token, a handler failure, a forged signature, an Authorization
 * header): resolves with those secrets once the last trace was exported, for the caller to look for.
 */
export async function exportEverySecret(a: TracedApp): Promise<string[]> {
  const signature = 'SIG256-tracing-secret-4f0c';
  const authorization = 'Bearer AUTH-tracing-secret-9a2b';
  const slot = 'Queen-tracing-secret-slot-7d1e';
  const traces = [newTraceparent(), newTraceparent(), newTraceparent()];
  a.fake.behave({ path: '/v1/search', mode: 'held', times: 1 });
  const spoken = a.fake.nextResponse('/v1/directives');
  const answer = a.t.alexa(a.linked().intent('PlayMusicIntent', { query: slot }), {
    traceparent: traces[0].header,
    authorization,
  });
  await spoken;
  a.fake.release();
  await answer;
  await a.t.alexa(a.linked().intent('ExplodeIntent'), { traceparent: traces[1].header, authorization });
  await a.t.alexa(a.linked().launch(), { traceparent: traces[2].header, 'signature-256': signature });
  await a.trace(traces[0].traceId, has('alexa.progressive_response', 'alexa.handler', 'POST /alexa'));
  await a.trace(traces[1].traceId, has('alexa.handler', 'POST /alexa'));
  await a.trace(traces[2].traceId, has('alexa.verify.signature', 'POST /alexa'));
  return [
    LINKED_TOKEN,
    LINKED_TOKEN.slice(6, -2),
    'demo-api-access-token',
    DEFAULT_USER_ID,
    'amzn1.ask.account',
    signature,
    authorization.slice(7),
    slot,
  ];
}

/** The span named `name` (the only one, or the one `which` picks), failing clearly when absent. */
export function span(spans: readonly ReceivedSpan[], name: string, which = 0): ReceivedSpan {
  const found = spans.filter((s) => s.name === name)[which];
  if (!found) throw new Error(`no span "${name}" [${which}] in: ${spans.map((s) => s.name).join(', ')}`);
  return found;
}

/** Whether every named span is there. */
export const has =
  (...names: string[]) =>
  (spans: readonly ReceivedSpan[]): boolean =>
    names.every((name) => spans.some((s) => s.name === name));
