import { AxiosError, CanceledError } from 'axios';
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { ResilientHttpClient } from '../../libs/resilient-http/src/client/resilient-http.client';
import type { ResilientClientDefinition } from '../../libs/resilient-http/src/resilient-http-options.interface';

// Unit level: a scripted axios adapter stands in for the network, and jest's fake timers drive the
// attempt timeouts, backoff waits and the breaker's half-open delay. The e2e suite repeats the important
// scenarios against the real fake music API.

export type Reply =
  | { status: number; body?: string; headers?: Record<string, string> }
  | 'hang'
  | 'network'
  | 'too-large'
  | 'stream-aborted';

function scriptedAdapter(replies: Reply[], fallback: Reply = { status: 200, body: '{}' }) {
  const seen: InternalAxiosRequestConfig[] = [];
  const adapter = (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
    seen.push(config);
    const reply = replies.shift() ?? fallback;
    if (reply === 'network') {
      return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    }
    if (reply === 'too-large' || reply === 'stream-aborted') {
      const message =
        reply === 'too-large' ? 'maxContentLength size of 1048576 exceeded' : 'stream has been aborted';
      return Promise.reject(new AxiosError(message, AxiosError.ERR_BAD_RESPONSE, config));
    }
    if (reply === 'hang') {
      return new Promise((_, reject) => {
        config.signal?.addEventListener?.('abort', () => reject(new CanceledError()));
      });
    }
    return Promise.resolve({
      status: reply.status,
      statusText: '',
      data: reply.body ?? '',
      headers: reply.headers ?? {},
      config,
      request: {},
    });
  };
  return { adapter, seen };
}

/**
 * Registers the suite's jest hooks (Nest logs off, fake timers from 2026-01-01, a fresh registry per test) and
 * returns `client(replies, options?, fallback?)`: a `music` client on a scripted adapter whose jitter draws half
 * of each ceiling; `metric(name, labels)` reads the current test's registry.
 */
export function scriptedUpstream() {
  let registry = new Registry();
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    registry = new Registry();
  });
  afterEach(() => jest.useRealTimers());

  const client = (replies: Reply[], options: Partial<ResilientClientDefinition> = {}, fallback?: Reply) => {
    const script = scriptedAdapter(replies, fallback);
    const http = new ResilientHttpClient(
      {
        name: 'music',
        baseURL: 'http://upstream.test',
        random: () => 0.5,
        ...options,
        axios: { adapter: script.adapter },
      },
      registry,
    );
    return { http, seen: script.seen };
  };
  const metric = async (name: string, labels: Record<string, string>): Promise<number | undefined> => {
    const data = await registry.getSingleMetric(name)?.get();
    return data?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value;
  };
  return { client, metric, registry: () => registry };
}

/** Advances jest's fake clock 1 ms at a time until the promise settles; `elapsed` is the fake time it took. */
export async function settle<T>(
  promise: Promise<T>,
): Promise<{ value?: T; error?: unknown; elapsed: number }> {
  const start = Date.now();
  const outcome: { value?: T; error?: unknown } = {};
  promise.then(
    (value) => (outcome.value = value),
    (error: unknown) => (outcome.error = error),
  );
  while (!('value' in outcome) && !('error' in outcome)) await jest.advanceTimersByTimeAsync(1);
  return { ...outcome, elapsed: Date.now() - start };
}
