import { resolveVerificationSettings, VerificationConfigError } from './verification-settings';

describe('resolveVerificationSettings', () => {
  it('applies the documented defaults', () => {
    expect(resolveVerificationSettings({ production: false })).toEqual({
      enabled: true,
      skillIds: [],
      certSource: 'https',
      trustedCaFile: undefined,
      timestampToleranceMs: 150_000,
      skillEventToleranceMs: 3_600_000,
      certFetchTimeoutMs: 2_000,
      certMaxBytes: 65_536,
      certCacheSize: 32,
      certPendingSize: 4,
      certPendingTtlMs: 30_000,
      certMaxConcurrentFetches: 8,
      certReservedFetches: 2,
      replayProtection: true,
      signatureVerifyMode: 'threadpool',
      production: false,
    });
  });

  it('refuses an unknown signature verify mode', () => {
    expect(() =>
      resolveVerificationSettings({ production: false, signatureVerifyMode: 'gpu' as never }),
    ).toThrow(/signatureVerifyMode must be 'threadpool' or 'inline'/);
  });

  it('is in production mode unless told otherwise, whatever the process environment says', () => {
    const previous = process.env.NODE_ENV;
    try {
      process.env.NODE_ENV = 'development';
      expect(() => resolveVerificationSettings({})).toThrow(/ALEXA_SKILL_ID is required/);
      expect(resolveVerificationSettings({ production: false }).production).toBe(false);
    } finally {
      process.env.NODE_ENV = previous;
    }
  });

  it.each([
    [{ enabled: false }, /ALEXA_VERIFY=false is refused when NODE_ENV=production/],
    [{ certSource: { dir: '.dev-certs' } }, /ALEXA_CERT_SOURCE=file:<dir> is a development setting/],
    [{ skillIds: [] }, /ALEXA_SKILL_ID is required when NODE_ENV=production/],
    [{ skillIds: [' ', ''] }, /ALEXA_SKILL_ID is required/],
    [{ trustedCaFile: '/certs/dev-ca.pem' }, /ALEXA_TRUSTED_CA_FILE is a development setting/],
    [{ replayProtection: false }, /ALEXA_REPLAY_PROTECTION=false is refused when NODE_ENV=production/],
  ])('refuses %j in production with a clear message', (options, message) => {
    const production = { skillIds: ['amzn1.ask.skill.x'], production: true, ...options };
    expect(() => resolveVerificationSettings(production)).toThrow(VerificationConfigError);
    expect(() => resolveVerificationSettings(production)).toThrow(message);
  });

  it.each([
    [{ enabled: false }, 'ALEXA_VERIFY'],
    [{ certSource: { dir: '.dev-certs' } }, 'ALEXA_CERT_SOURCE'],
    [{ trustedCaFile: '/certs/dev-ca.pem' }, 'ALEXA_TRUSTED_CA_FILE'],
    [{ replayProtection: false }, 'ALEXA_REPLAY_PROTECTION'],
    [{ skillIds: [] }, 'ALEXA_SKILL_ID'],
  ])('names the variable of a production refusal of %j', (options, variable) => {
    const production = { skillIds: ['amzn1.ask.skill.x'], production: true, ...options };
    let error: unknown;
    try {
      resolveVerificationSettings(production);
    } catch (e) {
      error = e;
    }
    expect((error as VerificationConfigError).variable).toBe(variable);
  });

  it('allows the development settings outside production', () => {
    const settings = resolveVerificationSettings({
      enabled: false,
      certSource: { dir: 'x' },
      trustedCaFile: 'ca.pem',
      replayProtection: false,
      production: false,
    });
    expect(settings.enabled).toBe(false);
    expect(settings.certSource).toEqual({ dir: 'x' });
    expect(settings.trustedCaFile).toBe('ca.pem');
    expect(settings.replayProtection).toBe(false);
  });

  it("refuses a timestamp tolerance wider than Amazon's 150 s", () => {
    expect(() => resolveVerificationSettings({ timestampToleranceMs: 150_001, production: false })).toThrow(
      /exceeds Amazon's 150000 ms/,
    );
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a cache size of %s', (value) => {
    expect(() => resolveVerificationSettings({ certCacheSize: value, production: false })).toThrow(
      /certCacheSize must be a positive integer/,
    );
  });

  it.each([
    [
      { certReservedFetches: 8 },
      /certReservedFetches \(8\) must be less than certMaxConcurrentFetches \(8\)/,
    ],
    [
      { certReservedFetches: 2, certMaxConcurrentFetches: 1 },
      /certReservedFetches \(2\) must be less than certMaxConcurrentFetches \(1\)/,
    ],
    [{ certReservedFetches: 0 }, /certReservedFetches must be a positive integer/],
    [{ certPendingSize: 0 }, /certPendingSize must be a positive integer/],
    [{ certPendingTtlMs: 0.5 }, /certPendingTtlMs must be a positive integer/],
  ])('refuses download slots and pending area settings %j', (options, message) => {
    expect(() => resolveVerificationSettings({ production: false, ...options })).toThrow(message);
  });

  it('trims skill IDs and drops empty ones', () => {
    expect(resolveVerificationSettings({ skillIds: [' a ', '', 'b'], production: false }).skillIds).toEqual([
      'a',
      'b',
    ]);
  });
});
