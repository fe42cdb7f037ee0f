import { createHmac } from 'node:crypto';
import { StateKeys } from './state-keys';

const SKILL = 'amzn1.ask.skill.0f1e2d3c-4b5a-6978-8091-a2b3c4d5e6f7';
const USER = 'amzn1.ask.account.AEXAMPLEUSERIDWITHPERSONALDATA';

describe('StateKeys', () => {
  const keys = new StateKeys('a-secret-of-the-deployment');

  it('namespaces every key by skill ID', () => {
    expect(keys.request(SKILL, 'amzn1.echo-api.request.1')).toBe(
      `alexa:${SKILL}:request:amzn1.echo-api.request.1`,
    );
    expect(keys.event(SKILL, 'amzn1.echo-api.request.2')).toBe(
      `alexa:${SKILL}:event:amzn1.echo-api.request.2`,
    );
    expect(keys.user(SKILL, USER)).toMatch(new RegExp(`^alexa:${SKILL.replaceAll('.', '\\.')}:user:`));
  });

  it('keys a user by the HMAC-SHA-256 of the user ID under the secret, never the ID itself', () => {
    const key = keys.user(SKILL, USER);
    expect(key).not.toContain(USER);
    expect(key).not.toContain('AEXAMPLE');
    const expected = createHmac('sha256', 'a-secret-of-the-deployment').update(USER).digest('base64url');
    expect(key).toBe(`alexa:${SKILL}:user:${expected}`);
  });

  it('gives the same key for the same user on every pod with the same secret, another with another', () => {
    expect(new StateKeys('a-secret-of-the-deployment').user(SKILL, USER)).toBe(keys.user(SKILL, USER));
    expect(new StateKeys('another-secret-entirely').user(SKILL, USER)).not.toBe(keys.user(SKILL, USER));
    expect(keys.user('amzn1.ask.skill.other', USER)).not.toBe(keys.user(SKILL, USER));
  });

  it('replaces a part that is not a plain ID by its hash, so keys stay short and printable', () => {
    const odd = keys.request(SKILL, 'id with spaces\nand:colons');
    expect(odd).toMatch(new RegExp(`^alexa:${SKILL.replaceAll('.', '\\.')}:request:~[A-Za-z0-9_-]{43}$`));
    expect(keys.request('x'.repeat(500), 'r').length).toBeLessThan(80);
    expect(keys.request(SKILL, 'a:b')).not.toBe(keys.request(SKILL, 'a:c'));
  });

  it('refuses an empty secret', () => {
    expect(() => new StateKeys('')).toThrow('must not be empty');
  });
});
