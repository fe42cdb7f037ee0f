import { AttemptAbortSignal } from './attempt-abort-signal';

describe('AttemptAbortSignal', () => {
  it('calls the listener once on abort and then reports aborted', () => {
    const signal = new AttemptAbortSignal();
    const listener = jest.fn();
    signal.addEventListener('abort', listener);
    expect(signal.aborted).toBe(false);
    signal.abort();
    signal.abort();
    expect(signal.aborted).toBe(true);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledWith({ type: 'abort' });
  });

  it('does not call a listener that was removed', () => {
    const signal = new AttemptAbortSignal();
    const listener = jest.fn();
    signal.addEventListener('abort', listener);
    signal.removeEventListener('abort', listener);
    signal.abort();
    expect(listener).not.toHaveBeenCalled();
    expect(signal.aborted).toBe(true);
  });

  it('ignores other event types', () => {
    const signal = new AttemptAbortSignal();
    const listener = jest.fn();
    signal.addEventListener('other', listener);
    signal.abort();
    expect(listener).not.toHaveBeenCalled();
  });
});
