import { isSkillEvent } from '@lib/alexa-protocol';
import type { Clock } from '../clock/clock.interface';
import { VerificationFailure } from '../verification-failure';

export interface TimestampTolerances {
  /** Largest distance between `request.timestamp` and now, both directions, in milliseconds. */
  toleranceMs: number;
  /** Largest age of the five redelivered skill events, in milliseconds. */
  skillEventToleranceMs: number;
}

/**
 * Rule 4: `request.timestamp` parses and lies within 150 seconds of now, in both directions. The five skill
 * events Amazon redelivers with their original timestamp (`AlexaSkillEvent.SkillEnabled`, `SkillDisabled`,
 * `SkillPermissionAccepted`, `SkillPermissionChanged`, `SkillAccountLinked`) may be up to one hour old, as in
 * Amazon's SDKs; they may not come from further in the future than any other request.
 */
export class TimestampValidator {
  private readonly clock: Clock;
  private readonly tolerances: TimestampTolerances;

  constructor(clock: Clock, tolerances: TimestampTolerances) {
    this.clock = clock;
    this.tolerances = tolerances;
  }

  /** The longest a request of this type may be accepted after its timestamp. */
  maxAgeMs(requestType: string): number {
    return isSkillEvent(requestType) ? this.tolerances.skillEventToleranceMs : this.tolerances.toleranceMs;
  }

  /** Returns the parsed timestamp (epoch ms); throws a `timestamp` {@link VerificationFailure}. */
  check(timestamp: string | undefined, requestType: string): number {
    const at = timestamp === undefined ? NaN : Date.parse(timestamp);
    if (Number.isNaN(at)) throw new VerificationFailure('timestamp', 'request.timestamp does not parse');
    const age = this.clock.now() - at;
    if (age > this.maxAgeMs(requestType)) throw new VerificationFailure('timestamp', 'request is too old');
    if (-age > this.tolerances.toleranceMs) {
      throw new VerificationFailure('timestamp', 'request is from the future');
    }
    return at;
  }
}
