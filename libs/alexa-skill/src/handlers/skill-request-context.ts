import type { EnvelopeFacts, RequestEnvelope } from '@lib/alexa-protocol';

/** Default locale when the envelope names none: the built-in and domain texts fall back to it. */
const DEFAULT_LOCALE = 'en-US';

/**
 * Per-request facts every handler may need, passed as the second argument to `handle`.
 * Created once per request by the skill service from the envelope's facts (read once, frozen); never shared
 * between requests. What the envelope says is read-only here; the only step that adds to it is
 * {@link acceptAccessToken}, taken by the account-linking guard.
 */
export class SkillRequestContext {
  /** Alexa's request ID (`request.requestId`). */
  readonly requestId: string;
  /** `LaunchRequest`, `IntentRequest`, `AlexaSkillEvent.SkillEnabled`, ... */
  readonly requestType: string;
  /** The intent name for IntentRequests. */
  readonly intentName: string | undefined;
  /** The request's locale, e.g. `en-US` (`en-US` when the envelope names none). */
  readonly locale: string;
  /** The skill the request is for (`unknown` when the envelope names none). */
  readonly skillId: string;
  /** The class name of the handler that answers (bounded label for metrics). */
  handlerName = 'none';
  /** Set when the last-resort error handler answered (counted as `outcome="handler_error"`). */
  failed = false;
  private checkedToken: string | undefined = undefined;
  private tokenAnswerListener: ((status: number) => void) | undefined = undefined;

  constructor(
    /** The parsed body, for what the facts do not carry (slots, session attributes). */
    readonly envelope: RequestEnvelope,
    /** What every layer needs from the envelope, read once by `readEnvelope` (`@lib/alexa-protocol`). */
    readonly facts: EnvelopeFacts,
    /** Epoch milliseconds by which the answer must be on its way (Alexa gives up after 8 s). */
    readonly deadline: number,
  ) {
    this.requestId = facts.requestId;
    this.requestType = facts.type;
    this.intentName = facts.intentName;
    this.locale = facts.locale ?? DEFAULT_LOCALE;
    this.skillId = facts.skillId ?? 'unknown';
  }

  /**
   * The user's OAuth access token once a handler guard (account linking) checked it, also for handlers that
   * do not require linking (personalisation). Undefined when absent or malformed. The token as sent is
   * `facts.accessToken`.
   */
  get accessToken(): string | undefined {
    return this.checkedToken;
  }

  /**
   * Told the status of an upstream's answer to a call made with `accessToken`: the resilient HTTP clients call
   * it when the context is passed as their call options.
   */
  get onTokenAnswer(): ((status: number) => void) | undefined {
    return this.tokenAnswerListener;
  }

  /**
   * The one step that adds to the envelope's facts: a handler guard that checked `facts.accessToken` hands the
   * usable token to the handlers, with what to tell about the upstream's answers to it (the account-linking
   * funnel counts whether the token worked).
   */
  acceptAccessToken(token: string, onTokenAnswer?: (status: number) => void): void {
    this.checkedToken = token;
    this.tokenAnswerListener = onTokenAnswer;
  }

  /** Milliseconds left until the deadline (never negative). */
  remainingMs(now: number = Date.now()): number {
    return Math.max(0, this.deadline - now);
  }
}
