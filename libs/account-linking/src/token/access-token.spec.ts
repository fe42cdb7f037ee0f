import { readEnvelope } from '@lib/alexa-protocol';
import { isWellFormedToken, readAccessToken } from './access-token';

/** The access-token fact of an envelope with these parts, as the skill core hands it to the guard. */
const envelope = (parts: { context?: unknown; session?: unknown }) =>
  readEnvelope({ version: '1.0', request: { type: 'LaunchRequest', requestId: 'r' }, ...parts }).facts!
    .accessToken;
const withContextToken = (token: unknown) =>
  envelope({ context: { System: { user: { userId: 'u', accessToken: token } } } });
const strict = { check: true, maxLength: 64 };
const lenient = { check: false, maxLength: 64 };

describe('isWellFormedToken', () => {
  it.each(['Atza|IwEBIA-abc_123.def~+/=', 'a', 'x'.repeat(64)])('accepts %s', (token) => {
    expect(isWellFormedToken(token, 64)).toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['one character over the limit', 'x'.repeat(65)],
    ['a space', 'abc def'],
    ['a trailing newline', 'abc\n'],
    ['a tab', 'a\tb'],
    ['a control character', 'abc\u0000'],
    ['DEL', 'abc\u007f'],
    ['non-ASCII letters', 'tökén'],
  ])('refuses %s', (_name, token) => {
    expect(isWellFormedToken(token, 64)).toBe(false);
  });
});

describe('readAccessToken', () => {
  it('reports a well-formed token as linked, with the token', () => {
    expect(readAccessToken(withContextToken('good-token'), strict)).toEqual({
      status: 'linked',
      token: 'good-token',
    });
  });

  it('reports an absent token as unlinked', () => {
    expect(readAccessToken(envelope({}), strict)).toEqual({ status: 'unlinked', token: undefined });
    expect(readAccessToken(withContextToken(null), strict).status).toBe('unlinked');
  });

  it('reports a token that fails the shape check as malformed, without the token', () => {
    for (const bad of ['', 'with space', 'x'.repeat(65), 12345, { a: 1 }]) {
      expect(readAccessToken(withContextToken(bad), strict)).toEqual({
        status: 'malformed',
        token: undefined,
      });
    }
  });

  it('accepts any non-empty string when the shape check is off', () => {
    expect(readAccessToken(withContextToken('with space'), lenient)).toEqual({
      status: 'linked',
      token: 'with space',
    });
    expect(readAccessToken(withContextToken('x'.repeat(500)), lenient).status).toBe('linked');
  });

  it('treats an empty or non-string token as missing when the shape check is off', () => {
    expect(readAccessToken(withContextToken(''), lenient).status).toBe('unlinked');
    expect(readAccessToken(withContextToken(12345), lenient).status).toBe('unlinked');
  });
});
