import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { InMemoryStateStore } from '../memory/in-memory-state-store';
import { StateStoreMetrics } from '../metrics/state-store.metrics';
import { StateStoreUnavailableError } from '../state-store.interface';
import { RedisStateStore } from './redis-state-store';

/** A stand-in for the ioredis client: a status, the events the store listens to, and the four commands. */
class FakeRedis extends EventEmitter {
  status = 'ready';
  set = jest.fn((..._args: unknown[]): Promise<string | null> => Promise.resolve('OK'));
  get = jest.fn((_key: string): Promise<string | null> => Promise.resolve(null));
  del = jest.fn((_key: string): Promise<number> => Promise.resolve(1));
  ping = jest.fn((): Promise<string> => Promise.resolve('PONG'));
  connect = jest.fn(() => Promise.resolve());
  quit = jest.fn(() => Promise.resolve('OK'));
  disconnect = jest.fn();
}

describe('RedisStateStore', () => {
  let redis: FakeRedis;
  let registry: Registry;
  let store: RedisStateStore;
  let log: jest.SpyInstance;
  let warn: jest.SpyInstance;

  const errors = async (operation: string): Promise<number> =>
    (await registry.getSingleMetric('state_store_errors_total')!.get()).values.find(
      (v) => v.labels.operation === operation,
    )!.value;
  const up = async (): Promise<number> =>
    (await registry.getSingleMetric('state_store_up')!.get()).values[0].value;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    redis = new FakeRedis();
    registry = new Registry();
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    store = new RedisStateStore(
      redis as unknown as Redis,
      new InMemoryStateStore({ maxClaims: 100, maxValues: 10 }),
      new StateStoreMetrics(registry),
      {
        target: 'redis://cache:6379/0',
        breakerFailures: 3,
        breakerHalfOpenAfterMs: 2000,
        connectTimeoutMs: 10,
      },
    );
  });
  afterEach(() => {
    jest.useRealTimers();
    log.mockRestore();
    warn.mockRestore();
  });

  it('claims with one SET NX PX, and answers a claim this pod already made without a round trip', async () => {
    expect(await store.claim('k', 1500.4)).toBe(true);
    expect(redis.set).toHaveBeenCalledWith('k', '1', 'PX', 1501, 'NX');
    expect(await store.claim('k', 1500)).toBe(false);
    expect(redis.set).toHaveBeenCalledTimes(1);
  });

  it('refuses a claim another pod made (SET NX answers nil)', async () => {
    redis.set.mockResolvedValueOnce(null);
    expect(await store.claim('k', 1000)).toBe(false);
  });

  it("answers a claim from the pod's memory when Redis fails, and counts it", async () => {
    redis.set.mockRejectedValue(new Error('Command timed out'));
    expect(await store.claim('a', 1000)).toBe(true);
    expect(await store.claim('a', 1000)).toBe(false);
    expect(await errors('claim')).toBe(1);
  });

  it('does not send commands while disconnected: the fallback answers at once', async () => {
    redis.status = 'reconnecting';
    expect(await store.claim('a', 1000)).toBe(true);
    await store.extend('a', 5000);
    await store.release('a');
    expect(redis.set).not.toHaveBeenCalled();
    expect(redis.del).not.toHaveBeenCalled();
    expect([await errors('claim'), await errors('extend'), await errors('release')]).toEqual([1, 1, 1]);
  });

  it('makes reads and writes fail as unavailable, never as "nothing stored"', async () => {
    redis.get.mockRejectedValueOnce(new Error('NOAUTH'));
    await expect(store.get('u')).rejects.toBeInstanceOf(StateStoreUnavailableError);
    redis.set.mockRejectedValueOnce(new Error('OOM command not allowed'));
    await expect(store.set('u', '{}', 1000)).rejects.toBeInstanceOf(StateStoreUnavailableError);
    redis.del.mockRejectedValueOnce(new Error('READONLY'));
    await expect(store.delete('u')).rejects.toBeInstanceOf(StateStoreUnavailableError);
    expect([await errors('get'), await errors('set'), await errors('delete')]).toEqual([1, 1, 1]);
  });

  it('reads a stored value and nil as undefined', async () => {
    redis.get.mockResolvedValueOnce('{"a":1}');
    await expect(store.get('u')).resolves.toBe('{"a":1}');
    await expect(store.get('missing')).resolves.toBeUndefined();
  });

  it('skips Redis after consecutive failures and probes it again once the pause is over', async () => {
    redis.set.mockRejectedValue(new Error('Command timed out'));
    for (const key of ['a', 'b', 'c']) await store.claim(key, 1000);
    expect(redis.set).toHaveBeenCalledTimes(3);
    expect(await up()).toBe(0);
    await store.claim('d', 1000);
    expect(redis.set).toHaveBeenCalledTimes(3);

    redis.set.mockResolvedValue('OK');
    jest.setSystemTime(1_000_000 + 2001);
    expect(await store.claim('e', 1000)).toBe(true);
    expect(redis.set).toHaveBeenCalledTimes(4);
    expect(await up()).toBe(1);
    expect(store.isShared).toBe(true);
  });

  it('probes an open breaker without traffic, again after a failed probe, and reports sharing resumed', async () => {
    redis.set.mockRejectedValue(new Error('Command timed out'));
    for (const key of ['a', 'b', 'c']) await store.claim(key, 1000);
    expect(await up()).toBe(0);

    redis.ping.mockRejectedValueOnce(new Error('Command timed out'));
    await jest.advanceTimersByTimeAsync(2000);
    expect(redis.ping).toHaveBeenCalledTimes(1);
    expect(await up()).toBe(0);

    await jest.advanceTimersByTimeAsync(2000);
    expect(redis.ping).toHaveBeenCalledTimes(2);
    expect(await up()).toBe(1);
    expect(store.isShared).toBe(true);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(redis.ping).toHaveBeenCalledTimes(2);
  });

  it('writes one log line per change between shared and per pod, none per failed request', async () => {
    await store.onApplicationBootstrap();
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      'Redis at redis://cache:6379/0 connected: state is shared across pods',
    ]);
    redis.status = 'reconnecting';
    for (let i = 0; i < 5; i++)
      redis.emit('error', Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }));
    redis.emit('close');
    for (let i = 0; i < 20; i++) await store.claim(`k${i}`, 1000);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/^Redis at redis:\/\/cache:6379\/0 unavailable \(ECONNREFUSED\)/);
    redis.status = 'ready';
    redis.emit('ready');
    expect(log).toHaveBeenLastCalledWith('Redis at redis://cache:6379/0 answers again: sharing resumed');
    expect(log).toHaveBeenCalledTimes(2);
  });

  it('goes on at start-up when Redis does not answer in time', async () => {
    redis.status = 'connecting';
    const started = store.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(10);
    await started;
    expect(redis.connect).toHaveBeenCalled();
    expect(await up()).toBe(0);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('closes the connection at shutdown, without calling that an outage', async () => {
    await store.onApplicationBootstrap();
    await store.onApplicationShutdown();
    redis.status = 'end';
    redis.emit('close');
    expect(redis.quit).toHaveBeenCalled();
    expect(redis.disconnect).toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
  });
});
