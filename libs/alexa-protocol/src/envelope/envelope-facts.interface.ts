/** Where the user's access token was found: `context.System.user` (preferred) or `session.user`. */
export type AccessTokenSource = 'context' | 'session';

/** The account-linking access token as the envelope carries it; nothing here says it is usable. */
export interface AccessTokenFact {
  readonly source: AccessTokenSource;
  /** The token; undefined when the field holds something other than a string (a malformed token). */
  readonly token: string | undefined;
}

/** The payload of one of the five skill events (`request.body`), where it has these fields. */
export interface SkillEventFacts {
  /** `request.eventCreationTime`. */
  readonly eventCreationTime: string | undefined;
  /** Scopes of `body.acceptedPermissions` (permission events). */
  readonly acceptedPermissions: readonly string[] | undefined;
  /** Scopes of `body.acceptedPersonPermissions` (permission events). */
  readonly acceptedPersonPermissions: readonly string[] | undefined;
  /** `body.userInformationPersistenceStatus` (`SkillDisabled`: `PERSISTED` or `NOT_PERSISTED`). */
  readonly userInformationPersistenceStatus: string | undefined;
  /** `body.accessToken` of `SkillAccountLinked`: the token the user just linked. Never log it. */
  readonly linkedAccessToken: string | undefined;
}

/**
 * What every layer needs from one request envelope, read once (see `readEnvelope`) and frozen. Every field is
 * typed as what it is on the wire: a field with another JSON type reads as undefined.
 * (https://developer.amazon.com/en-US/docs/alexa/custom-skills/request-and-response-json-reference.html)
 */
export interface EnvelopeFacts {
  /** `request.type`: `LaunchRequest`, `IntentRequest`, `AlexaSkillEvent.SkillEnabled`, ... */
  readonly type: string;
  /** `request.requestId`. */
  readonly requestId: string;
  /** `request.intent.name`, for IntentRequests only. */
  readonly intentName: string | undefined;
  /** `request.locale`, e.g. `en-US`. */
  readonly locale: string | undefined;
  /** `request.timestamp` as sent (ISO 8601). */
  readonly timestamp: string | undefined;
  /** The skill (application) ID: `context.System.application.applicationId`, else the session's. */
  readonly skillId: string | undefined;
  /** Alexa's user ID, `context.System.user.userId`, else the session's; personal data, never log it. */
  readonly userId: string | undefined;
  /** The account-linking token of `context.System.user`, else of `session.user`; absent when neither has one. */
  readonly accessToken: AccessTokenFact | undefined;
  /** `context.System.apiEndpoint`, the Alexa API base URL for this request. */
  readonly apiEndpoint: string | undefined;
  /** `context.System.apiAccessToken`, for calls to the Alexa APIs. Never log it. */
  readonly apiAccessToken: string | undefined;
  /** The event payload when the request is one of the five skill events. */
  readonly skillEvent: SkillEventFacts | undefined;
}

/** Why a body is not an Alexa request envelope: a fixed phrase, safe to log (never text from the body). */
export type EnvelopeRefusal =
  'body is not a JSON object' | 'body has no request object' | 'request.type or request.requestId is missing';

/** The outcome of reading a body: its facts, or why it is not an envelope. */
export type EnvelopeReading =
  | { readonly facts: EnvelopeFacts; readonly refusal: undefined }
  | { readonly facts: undefined; readonly refusal: EnvelopeRefusal };
