import { Logger } from '@nestjs/common';
import { type ResilientHttpClient, UpstreamUnavailableError } from '@lib/resilient-http';
import { ProgressiveResponseClient, progressiveTargetFrom } from './progressive-response.client';
import type { ProgressiveResponseTarget } from './progressive-response.client';

describe('ProgressiveResponseClient', () => {
  const target: ProgressiveResponseTarget = {
    apiEndpoint: 'https://api.eu.amazonalexa.com',
    apiAccessToken: 'alexa-api-token',
    requestId: 'amzn1.echo-api.request.1',
  };
  let request: jest.Mock;
  let progressive: ProgressiveResponseClient;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    jest.useFakeTimers();
    request = jest.fn().mockResolvedValue({ status: 204, data: undefined });
    progressive = new ProgressiveResponseClient({ request } as unknown as ResilientHttpClient, {
      delayMs: 1000,
    });
  });
  afterEach(() => jest.useRealTimers());

  const later = <T>(ms: number, value: T): Promise<T> =>
    new Promise((resolve) => setTimeout(() => resolve(value), ms));

  it('posts VoicePlayer.Speak to the directive API with the request token', async () => {
    await expect(progressive.send(target, 'One moment')).resolves.toBe(true);
    expect(request).toHaveBeenCalledWith({
      operation: 'progressive_response',
      method: 'POST',
      url: 'https://api.eu.amazonalexa.com/v1/directives',
      accessToken: 'alexa-api-token',
      data: {
        header: { requestId: 'amzn1.echo-api.request.1' },
        directive: { type: 'VoicePlayer.Speak', speech: 'One moment' },
      },
      deadline: undefined,
    });
  });

  it('never sends to a host that is not an Alexa API host', async () => {
    await expect(progressive.send({ ...target, apiEndpoint: 'https://evil.example' }, 'x')).resolves.toBe(
      false,
    );
    expect(request).not.toHaveBeenCalled();
  });

  it('swallows upstream failures', async () => {
    request.mockRejectedValue(
      new UpstreamUnavailableError('alexa-directives', 'progressive_response', 'timeout'),
    );
    await expect(progressive.send(target, 'x')).resolves.toBe(false);
  });

  it('speaks when the work is still running after the delay, without waiting for it', async () => {
    const result = progressive.during(target, 'One moment', () => later(1500, 'done'));
    await jest.advanceTimersByTimeAsync(999);
    expect(request).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(request).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(500);
    await expect(result).resolves.toBe('done');
  });

  it('stays silent when the work finishes first', async () => {
    const result = progressive.during(target, 'One moment', later(200, 'done'));
    await jest.advanceTimersByTimeAsync(200);
    await expect(result).resolves.toBe('done');
    await jest.advanceTimersByTimeAsync(5000);
    expect(request).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });

  it("returns the work's answer even while the directive call hangs", async () => {
    request.mockReturnValue(new Promise(() => undefined));
    const result = progressive.during(target, 'One moment', () => later(1200, 'done'), { delayMs: 100 });
    await jest.advanceTimersByTimeAsync(1200);
    await expect(result).resolves.toBe('done');
    expect(request).toHaveBeenCalledTimes(1);
  });

  it("passes the work's error through and cancels the timer", async () => {
    const failing = (): Promise<never> =>
      new Promise((_, reject) => setTimeout(() => reject(new Error('boom')), 10));
    const result = progressive.during(target, 'One moment', failing);
    const assertion = expect(result).rejects.toThrow('boom');
    await jest.advanceTimersByTimeAsync(10);
    await assertion;
    await jest.advanceTimersByTimeAsync(2000);
    expect(request).not.toHaveBeenCalled();
  });

  it('only runs the work when there is no target', async () => {
    const result = progressive.during(undefined, 'One moment', () => later(3000, 'done'));
    await jest.advanceTimersByTimeAsync(3000);
    await expect(result).resolves.toBe('done');
    expect(request).not.toHaveBeenCalled();
  });

  it('refuses the any-endpoint override in production, and where no environment is given', () => {
    const http = { request } as unknown as ResilientHttpClient;
    expect(
      () => new ProgressiveResponseClient(http, { allowAnyEndpoint: true, environment: 'production' }),
    ).toThrow(/refused in production/);
    expect(() => new ProgressiveResponseClient(http, { allowAnyEndpoint: true })).toThrow(
      /refused in production/,
    );
    expect(
      () => new ProgressiveResponseClient(http, { allowAnyEndpoint: true, environment: 'test' }),
    ).not.toThrow();
  });
});

describe('progressiveTargetFrom', () => {
  const facts = (type: string) => ({
    type,
    requestId: 'req-1',
    apiEndpoint: 'https://api.amazonalexa.com',
    apiAccessToken: 'tok',
  });

  it.each(['LaunchRequest', 'IntentRequest'])('targets a %s', (type) => {
    expect(progressiveTargetFrom(facts(type), 123)).toEqual({
      apiEndpoint: 'https://api.amazonalexa.com',
      apiAccessToken: 'tok',
      requestId: 'req-1',
      deadline: 123,
    });
  });

  it.each(['SessionEndedRequest', 'AlexaSkillEvent.SkillEnabled', 'CanFulfillIntentRequest'])(
    'has no target for a %s',
    (type) => {
      expect(progressiveTargetFrom(facts(type))).toBeUndefined();
    },
  );

  it('has no target without an endpoint or token', () => {
    const facts = {
      type: 'IntentRequest',
      requestId: 'r',
      apiEndpoint: undefined,
      apiAccessToken: undefined,
    };
    expect(progressiveTargetFrom(facts)).toBeUndefined();
    expect(progressiveTargetFrom({ ...facts, apiEndpoint: 'https://api.amazonalexa.com' })).toBeUndefined();
  });
});
