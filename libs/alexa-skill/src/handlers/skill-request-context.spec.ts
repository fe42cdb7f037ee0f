import { readEnvelope } from '@lib/alexa-protocol';
import type { RequestEnvelope } from 'ask-sdk-model';
import { AccessTokenNotRequiredError, SkillRequestContext } from './skill-request-context';

function contextFor(handlerName: string): SkillRequestContext {
  const envelope = {
    version: '1.0',
    context: { System: { user: { userId: 'u', accessToken: 'tok-1' } } },
    request: { type: 'IntentRequest', requestId: 'r-1', locale: 'en-US', intent: { name: 'X' } },
  } as unknown as RequestEnvelope;
  const context = new SkillRequestContext(envelope, readEnvelope(envelope).facts!, Date.now() + 7000);
  context.handlerName = handlerName;
  return context;
}

describe('SkillRequestContext.requireAccessToken', () => {
  it('returns the token a guard accepted for a handler that requires linking', () => {
    const context = contextFor('PlayHandler');
    context.acceptAccessToken('tok-1', { required: true });
    expect(context.requireAccessToken()).toBe('tok-1');
    expect(context.accessToken).toBe('tok-1');
  });

  it('throws a programming error naming the handler and the missing decorator when no guard accepted a token', () => {
    const context = contextFor('PlayHandler');
    expect(() => context.requireAccessToken()).toThrow(AccessTokenNotRequiredError);
    expect(() => context.requireAccessToken()).toThrow(
      /^PlayHandler calls context\.requireAccessToken\(\) but is not marked @RequiresLinkedAccount\(\)/,
    );
  });

  it('throws even with a token, when the guard accepted it for a handler that does not require linking', () => {
    const context = contextFor('GreetHandler');
    context.acceptAccessToken('tok-1');
    expect(context.accessToken).toBe('tok-1');
    expect(() => context.requireAccessToken()).toThrow(/^GreetHandler calls context\.requireAccessToken\(\)/);
  });
});
