import { allowsAnyEndpoint, checkApiEndpoint, isAlexaApiUrl } from './alexa-api-endpoint';

describe('checkApiEndpoint', () => {
  it.each([
    'https://api.amazonalexa.com',
    'https://api.eu.amazonalexa.com/',
    'https://api.fe.amazonalexa.com',
  ])('accepts the Alexa API host %s', (endpoint) => {
    expect(checkApiEndpoint(endpoint, false)).toBe(endpoint.replace(/\/$/, ''));
  });

  it.each([
    ['another host', 'https://api.amazonalexa.com.evil.example'],
    ['a look-alike subdomain', 'https://evil.api.amazonalexa.com'],
    ['plain http', 'http://api.amazonalexa.com'],
    ['another port', 'https://api.amazonalexa.com:8443'],
    ['a path', 'https://api.amazonalexa.com/proxy'],
    ['credentials', 'https://user:pw@api.amazonalexa.com'],
    ['a query', 'https://api.amazonalexa.com?x=1'],
    ['a local server', 'http://127.0.0.1:4010'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_, endpoint) => {
    expect(checkApiEndpoint(endpoint, false)).toBeUndefined();
  });

  it('accepts any http(s) endpoint when the override is on, and nothing else', () => {
    expect(checkApiEndpoint('http://127.0.0.1:4010', true)).toBe('http://127.0.0.1:4010');
    expect(checkApiEndpoint('http://127.0.0.1:4010/base/', true)).toBe('http://127.0.0.1:4010/base');
    expect(checkApiEndpoint('file:///etc/passwd', true)).toBeUndefined();
  });
});

describe('isAlexaApiUrl (the same rule for the full URL of a service-client call)', () => {
  it('accepts an operation path and query on an Alexa API host', () => {
    expect(isAlexaApiUrl('https://api.eu.amazonalexa.com/v2/devices/d/settings/System.timeZone', false)).toBe(
      true,
    );
    expect(isAlexaApiUrl('https://api.amazonalexa.com/v2/householdlists/?status=active', false)).toBe(true);
  });

  it.each([
    ['another host', 'https://api.amazonalexa.com.evil.example/v2/x'],
    ['plain http', 'http://api.amazonalexa.com/v2/x'],
    ['another port', 'https://api.amazonalexa.com:8443/v2/x'],
    ['credentials', 'https://user:pw@api.amazonalexa.com/v2/x'],
    ['a local server', 'http://127.0.0.1:4010/v2/x'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_, url) => {
    expect(isAlexaApiUrl(url, false)).toBe(false);
  });

  it('accepts any http(s) URL when the override is on, and nothing else', () => {
    expect(isAlexaApiUrl('http://127.0.0.1:4010/v2/x', true)).toBe(true);
    expect(isAlexaApiUrl('file:///etc/passwd', true)).toBe(false);
  });
});

describe('allowsAnyEndpoint', () => {
  it('refuses the override in production, and where no environment is given', () => {
    expect(() =>
      allowsAnyEndpoint('AlexaSkill', { allowAnyEndpoint: true, environment: 'production' }),
    ).toThrow('AlexaSkill: allowAnyEndpoint is refused in production');
    expect(() => allowsAnyEndpoint('AlexaSkill', { allowAnyEndpoint: true })).toThrow(
      /refused in production/,
    );
    expect(allowsAnyEndpoint('AlexaSkill', { allowAnyEndpoint: true, environment: 'test' })).toBe(true);
    expect(allowsAnyEndpoint('AlexaSkill', {})).toBe(false);
  });
});
