import type { RequestEnvelope } from 'ask-sdk-model';
import { skillIdOf } from '../skill/envelope-ids';

/**
 * Per-request facts every handler may need, passed as the second argument to `handle`.
 * Created once per request by the skill service; never shared between requests.
 */
export class SkillRequestContext {
  /**
   * The user's OAuth access token, set by the account-linking guard once it checked the token
   * (also for handlers that do not require linking, for personalisation). Undefined when absent or malformed.
   */
  accessToken: string | undefined = undefined;
  /**
   * Told the status of an upstream's answer to a call made with `accessToken`. Set by the account-linking guard
   * on protected requests that carry a token (its funnel counts whether the token worked upstream); the
   * resilient HTTP clients call it when the context is passed as their call options.
   */
  onTokenAnswer: ((status: number) => void) | undefined = undefined;
  /** The class name of the handler that answers (bounded label for metrics). */
  handlerName = 'none';
  /** Set when the last-resort error handler answered (counted as `outcome="handler_error"`). */
  failed = false;
  /** The skill the request is for (`unknown` when the envelope names none). */
  readonly skillId: string;

  constructor(
    readonly envelope: RequestEnvelope,
    /** Alexa's request ID (`request.requestId`). */
    readonly requestId: string,
    /** `LaunchRequest`, `IntentRequest`, `AlexaSkillEvent.SkillEnabled`, ... */
    readonly requestType: string,
    /** The intent name for IntentRequests. */
    readonly intentName: string | undefined,
    /** The request's locale, e.g. `en-US`. */
    readonly locale: string,
    /** Epoch milliseconds by which the answer must be on its way (Alexa gives up after 8 s). */
    readonly deadline: number,
  ) {
    this.skillId = skillIdOf(envelope);
  }

  /** Milliseconds left until the deadline (never negative). */
  remainingMs(now: number = Date.now()): number {
    return Math.max(0, this.deadline - now);
  }
}
