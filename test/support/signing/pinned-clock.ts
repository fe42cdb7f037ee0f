import type { Clock } from '@lib/alexa-verification';

/** A clock that stands still until a test moves it. */
export class PinnedClock implements Clock {
  private at: number;

  constructor(at: Date | number = Date.now()) {
    this.at = typeof at === 'number' ? at : at.getTime();
  }

  now(): number {
    return this.at;
  }

  set(at: Date | number): void {
    this.at = typeof at === 'number' ? at : at.getTime();
  }

  advance(ms: number): void {
    this.at += ms;
  }

  date(offsetMs = 0): Date {
    return new Date(this.at + offsetMs);
  }
}
