import { type ExecutionContext, HttpException, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ALEXA_SKILL_ENDPOINT } from '@lib/alexa-protocol';
import { Registry } from 'prom-client';
import type { AlexaRequestVerifier } from '../verifier/alexa-request-verifier';
import { VerificationFailure } from '../verification-failure';
import { resolveVerificationSettings } from '../verification-settings';
import { AlexaVerificationGuard } from './alexa-verification.guard';

class SkillController {}
Reflect.defineMetadata(ALEXA_SKILL_ENDPOINT, true, SkillController);
class HealthController {}

function contextFor(controller: object, request: object, type = 'http'): ExecutionContext {
  return {
    getType: () => type,
    getClass: () => controller,
    getHandler: () => () => undefined,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe('AlexaVerificationGuard', () => {
  let registry: Registry;
  let verify: jest.Mock;
  let authenticate: jest.Mock;
  let checkEnvelope: jest.Mock;
  let warn: jest.SpyInstance;
  const request = () => ({
    headers: { 'signature-256': 'SECRET-SIGNATURE' },
    rawBody: Buffer.from('{}'),
    body: {},
    raw: {},
  });

  const guard = (enabled = true): AlexaVerificationGuard =>
    new AlexaVerificationGuard(
      new Reflector(),
      { verify, authenticate, checkEnvelope } as unknown as AlexaRequestVerifier,
      registry,
      resolveVerificationSettings({ enabled, production: false }),
    );

  const failures = async (check: string): Promise<number> => {
    const metric = await registry.getSingleMetric('alexa_verification_failures_total')!.get();
    return metric.values.find((v) => v.labels.check === check)?.value ?? NaN;
  };

  beforeEach(() => {
    registry = new Registry();
    verify = jest.fn(() => Promise.resolve());
    authenticate = jest.fn(() => Promise.resolve());
    checkEnvelope = jest.fn(() => undefined);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('lets routes of unmarked controllers pass untouched', () => {
    expect(guard().canActivate(contextFor(HealthController, request()))).toBe(true);
    expect(verify).not.toHaveBeenCalled();
  });

  it('lets non-HTTP contexts pass', () => {
    expect(guard().canActivate(contextFor(SkillController, request(), 'rpc'))).toBe(true);
  });

  it('verifies requests to the skill endpoint with the raw body, headers and parsed body', async () => {
    const req = request();
    await expect(guard().canActivate(contextFor(SkillController, req))).resolves.toBe(true);
    expect(verify).toHaveBeenCalledWith({ headers: req.headers, rawBody: req.rawBody, body: req.body });
  });

  it('answers a failure with a fixed 400, counts it by check and logs the check, never the secrets', async () => {
    verify.mockRejectedValueOnce(new VerificationFailure('signature', 'signature does not match the body'));
    const g = guard();
    expect(await failures('signature')).toBe(0);
    const error = (await (g.canActivate(contextFor(SkillController, request())) as Promise<boolean>).catch(
      (e: unknown) => e,
    )) as HttpException;
    expect(error).toBeInstanceOf(HttpException);
    expect(error.getStatus()).toBe(400);
    expect(error.getResponse()).toEqual({ error: 'request verification failed' });
    expect(await failures('signature')).toBe(1);
    expect(await failures('cert_url')).toBe(0);
    expect(warn).toHaveBeenCalledWith(
      'request refused: signature check failed (signature does not match the body)',
    );
    expect(JSON.stringify(warn.mock.calls)).not.toContain('SECRET-SIGNATURE');
  });

  it('turns an unexpected error into the same 400, counted as malformed', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    verify.mockRejectedValueOnce(new TypeError('boom'));
    const outcome = await (
      guard().canActivate(contextFor(SkillController, request())) as Promise<boolean>
    ).catch((e: unknown) => e);
    expect((outcome as HttpException).getStatus()).toBe(400);
    expect(await failures('malformed')).toBe(1);
    expect(error).toHaveBeenCalledWith('request refused: verification threw TypeError');
    error.mockRestore();
  });

  describe('with the raw bytes checked before parsing', () => {
    it('checks only the envelope of a request whose raw bytes it authenticated', async () => {
      const g = guard();
      const req = request();
      await expect(g.authenticateRawBody(req as never, req.rawBody)).resolves.toBe(true);
      expect(authenticate).toHaveBeenCalledWith({ headers: req.headers, rawBody: req.rawBody });
      expect(g.canActivate(contextFor(SkillController, req))).toBe(true);
      expect(checkEnvelope).toHaveBeenCalledWith(req.body);
      expect(verify).not.toHaveBeenCalled();
    });

    it('verifies everything after parsing when the raw bytes were not checked', async () => {
      await guard().canActivate(contextFor(SkillController, request()));
      expect(verify).toHaveBeenCalledTimes(1);
      expect(checkEnvelope).not.toHaveBeenCalled();
    });

    it('leaves unauthentic raw bytes unparsed and refuses the request with the same fixed 400, counted by check', async () => {
      authenticate.mockRejectedValueOnce(new VerificationFailure('cert_url', 'host is not allowed'));
      const g = guard();
      const req = request();
      await expect(g.authenticateRawBody(req as never, req.rawBody)).resolves.toBe(false);
      expect(await failures('cert_url')).toBe(0);
      let error: unknown;
      try {
        void g.canActivate(contextFor(SkillController, req));
      } catch (e) {
        error = e;
      }
      expect((error as HttpException).getStatus()).toBe(400);
      expect((error as HttpException).getResponse()).toEqual({ error: 'request verification failed' });
      expect(await failures('cert_url')).toBe(1);
      expect(verify).not.toHaveBeenCalled();
      expect(checkEnvelope).not.toHaveBeenCalled();
    });

    it('refuses an envelope that fails its checks, counted by check', async () => {
      checkEnvelope.mockImplementationOnce(() => {
        throw new VerificationFailure('timestamp', 'too old');
      });
      const g = guard();
      const req = request();
      await g.authenticateRawBody(req as never, req.rawBody);
      expect(() => g.canActivate(contextFor(SkillController, req))).toThrow(HttpException);
      expect(await failures('timestamp')).toBe(1);
    });

    it('waits for envelope checks that answer later (a shared replay store)', async () => {
      checkEnvelope.mockRejectedValueOnce(
        new VerificationFailure('replay', 'request ID was already accepted'),
      );
      const g = guard();
      const req = request();
      await g.authenticateRawBody(req as never, req.rawBody);
      await expect(g.canActivate(contextFor(SkillController, req))).rejects.toBeInstanceOf(HttpException);
      expect(await failures('replay')).toBe(1);
    });
  });

  it('lets everything pass when verification is off, and says so at start-up', () => {
    const g = guard(false);
    g.onApplicationBootstrap();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('verification is OFF'));
    expect(g.canActivate(contextFor(SkillController, request()))).toBe(true);
    expect(verify).not.toHaveBeenCalled();
  });

  it('creates every failure series at zero', async () => {
    guard();
    const metric = await registry.getSingleMetric('alexa_verification_failures_total')!.get();
    expect(metric.values.map((v) => v.labels.check).sort()).toEqual(
      [
        'cert_chain',
        'cert_expired',
        'cert_fetch',
        'cert_san',
        'cert_url',
        'malformed',
        'replay',
        'signature',
        'skill_id',
        'timestamp',
      ].sort(),
    );
  });
});
