import { readEnvelope } from './read-envelope';

const intent = (overrides: Record<string, unknown> = {}) => ({
  version: '1.0',
  session: {
    application: { applicationId: 'amzn1.ask.skill.session' },
    user: { userId: 'amzn1.ask.account.S', accessToken: 'from-session' },
  },
  context: {
    System: {
      application: { applicationId: 'amzn1.ask.skill.context' },
      user: { userId: 'amzn1.ask.account.C', accessToken: 'from-context' },
      apiEndpoint: 'https://api.amazonalexa.com',
      apiAccessToken: 'api-token',
    },
  },
  request: {
    type: 'IntentRequest',
    requestId: 'amzn1.echo-api.request.1',
    timestamp: '2026-12-04T10:00:00Z',
    locale: 'de-DE',
    intent: { name: 'PlayMusicIntent' },
  },
  ...overrides,
});

describe('readEnvelope', () => {
  it('reads every fact of an intent request, preferring context.System over the session', () => {
    expect(readEnvelope(intent()).facts).toEqual({
      type: 'IntentRequest',
      requestId: 'amzn1.echo-api.request.1',
      intentName: 'PlayMusicIntent',
      locale: 'de-DE',
      timestamp: '2026-12-04T10:00:00Z',
      skillId: 'amzn1.ask.skill.context',
      userId: 'amzn1.ask.account.C',
      accessToken: { source: 'context', token: 'from-context' },
      apiEndpoint: 'https://api.amazonalexa.com',
      apiAccessToken: 'api-token',
      skillEvent: undefined,
    });
  });

  it('falls back to the session for the skill ID, user ID and access token', () => {
    const { facts } = readEnvelope(intent({ context: { System: { user: {} } } }));
    expect(facts).toMatchObject({
      skillId: 'amzn1.ask.skill.session',
      userId: 'amzn1.ask.account.S',
      accessToken: { source: 'session', token: 'from-session' },
    });
  });

  it('keeps a present token that is not a string as a token-less fact (malformed), not as absent', () => {
    const body = intent({ context: { System: { user: { accessToken: 12345 } } }, session: undefined });
    expect(readEnvelope(body).facts?.accessToken).toEqual({ source: 'context', token: undefined });
    expect(readEnvelope(intent({ context: {}, session: {} })).facts?.accessToken).toBeUndefined();
  });

  it('reads fields of another JSON type as absent, and an intent name only for IntentRequests', () => {
    const { facts } = readEnvelope({
      context: { System: 'nope' },
      session: 42,
      request: { type: 'LaunchRequest', requestId: 'r', locale: 7, timestamp: {}, intent: { name: 'X' } },
    });
    expect(facts).toMatchObject({
      intentName: undefined,
      locale: undefined,
      timestamp: undefined,
      skillId: undefined,
      userId: undefined,
      accessToken: undefined,
      apiEndpoint: undefined,
    });
  });

  it('reads the payload of a skill event', () => {
    const { facts } = readEnvelope({
      request: {
        type: 'AlexaSkillEvent.SkillPermissionAccepted',
        requestId: 'r',
        eventCreationTime: '2026-12-04T10:00:00Z',
        body: { acceptedPermissions: [{ scope: 'alexa::profile:email:read' }, { scope: 3 }, null] },
      },
    });
    expect(facts?.skillEvent).toEqual({
      eventCreationTime: '2026-12-04T10:00:00Z',
      acceptedPermissions: ['alexa::profile:email:read'],
      acceptedPersonPermissions: undefined,
      userInformationPersistenceStatus: undefined,
      linkedAccessToken: undefined,
    });
  });

  it.each([
    ['null', null, 'body is not a JSON object'],
    ['an array', [{ request: {} }], 'body is not a JSON object'],
    ['a string', 'request', 'body is not a JSON object'],
    ['no request', { version: '1.0' }, 'body has no request object'],
    ['a request that is not an object', { request: 'LaunchRequest' }, 'body has no request object'],
    ['no request ID', { request: { type: 'LaunchRequest' } }, 'request.type or request.requestId is missing'],
    [
      'a numeric type',
      { request: { type: 1, requestId: 'r' } },
      'request.type or request.requestId is missing',
    ],
  ])('refuses %s with a fixed reason', (_name, body, refusal) => {
    expect(readEnvelope(body)).toEqual({ facts: undefined, refusal });
  });

  it('reads a body once: the same body object gets the same frozen facts', () => {
    const body = intent();
    const first = readEnvelope(body);
    expect(readEnvelope(body)).toBe(first);
    expect(Object.isFrozen(first.facts)).toBe(true);
    expect(Object.isFrozen(first.facts?.accessToken)).toBe(true);
    expect(readEnvelope(intent()).facts).not.toBe(first.facts);
  });
});
