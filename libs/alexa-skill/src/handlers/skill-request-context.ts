import type { EnvelopeFacts, RequestEnvelope } from '@lib/alexa-protocol';

/** What a handler guard says about the token it hands over with `acceptAccessToken`. */
export interface AcceptedAccessToken {
  /** Told the status of each upstream answer to a call made with the token (the account-linking funnel). */
  onTokenAnswer?: (status: number) => void;
  /**
   * The handler requires a linked account (`@RequiresLinkedAccount()`): `requireAccessToken()` returns the
   * token. @default false
   */
  required?: boolean;
}

/**
 * A handler asked for the token it cannot be sure of: it reads `requireAccessToken()` but is not marked
 * `@RequiresLinkedAccount()`, so an unlinked user would reach it without a token. A programming error, thrown
 * whether or not this request carries a token, so the handler's first test fails.
 */
export class AccessTokenNotRequiredError extends Error {
  constructor(readonly handlerName: string) {
    super(
      `${handlerName} calls context.requireAccessToken() but is not marked @RequiresLinkedAccount() ` +
        '(from @lib/account-linking, whose module must be imported): add the decorator, so that an ' +
        'unlinked user gets the link card instead of this error',
    );
    this.name = 'AccessTokenNotRequiredError';
  }
}

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
  private tokenRequired = false;

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
   * The checked token of a handler marked `@RequiresLinkedAccount()`: the guard lets such a handler run only
   * with one, so this is always a string there. Anywhere else it throws {@link AccessTokenNotRequiredError}.
   */
  requireAccessToken(): string {
    if (this.tokenRequired && this.checkedToken !== undefined) return this.checkedToken;
    throw new AccessTokenNotRequiredError(this.handlerName);
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
  acceptAccessToken(token: string, accepted: AcceptedAccessToken = {}): void {
    this.checkedToken = token;
    this.tokenAnswerListener = accepted.onTokenAnswer;
    this.tokenRequired = accepted.required ?? false;
  }

  /** Milliseconds left until the deadline (never negative). */
  remainingMs(now: number = Date.now()): number {
    return Math.max(0, this.deadline - now);
  }
}
