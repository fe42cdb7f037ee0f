import { checkApiEndpoint } from './alexa-api-endpoint';

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
