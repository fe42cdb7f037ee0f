import {
  AccessForbiddenError,
  AccessTokenRejectedError,
  UpstreamUnavailableError,
} from '@lib/resilient-http';
import { upstreamAccessError } from './account-linking-error.handler';

describe('upstreamAccessError', () => {
  it('finds a rejected token or a forbidden access thrown directly', () => {
    const rejected = new AccessTokenRejectedError('music', 'whoami');
    const forbidden = new AccessForbiddenError('music', 'whoami');
    expect(upstreamAccessError(rejected)).toBe(rejected);
    expect(upstreamAccessError(forbidden)).toBe(forbidden);
  });

  it('finds it as the cause of a wrapping error', () => {
    const rejected = new AccessTokenRejectedError('music', 'whoami');
    const wrapped = new Error('profile lookup failed', {
      cause: new Error('client failed', { cause: rejected }),
    });
    expect(upstreamAccessError(wrapped)).toBe(rejected);
  });

  it('ignores other errors, other upstream errors and look-alikes', () => {
    expect(upstreamAccessError(new Error('boom'))).toBeUndefined();
    expect(upstreamAccessError(new UpstreamUnavailableError('music', 'whoami', 'timeout'))).toBeUndefined();
    const lookAlike = Object.assign(new Error('x'), { name: 'AccessTokenRejectedError' });
    expect(upstreamAccessError(lookAlike)).toBeUndefined();
    expect(upstreamAccessError('AccessTokenRejectedError')).toBeUndefined();
  });

  it('stops following causes after a few levels (and on cycles)', () => {
    const cyclic = new Error('a');
    cyclic.cause = cyclic;
    expect(upstreamAccessError(cyclic)).toBeUndefined();
    let deep: Error = new AccessTokenRejectedError('music', 'whoami');
    for (let i = 0; i < 10; i++) deep = new Error(`level ${i}`, { cause: deep });
    expect(upstreamAccessError(deep)).toBeUndefined();
  });
});
