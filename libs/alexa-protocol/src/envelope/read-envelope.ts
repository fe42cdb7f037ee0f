import { isSkillEvent } from '../kinds/request-kinds';
import type {
  AccessTokenFact,
  EnvelopeFacts,
  EnvelopeReading,
  EnvelopeRefusal,
  SkillEventFacts,
} from './envelope-facts.interface';

/**
 * Where a parsed body keeps its reading, so a body is read once, whoever asks first (verification or the skill
 * endpoint). A symbol-keyed property of the body itself, not a WeakMap: every request's body would be a new
 * WeakMap key, and V8's ephemeron bookkeeping made that about ten times dearer than the read it saves. The
 * property is not enumerable: serialisation, copies and comparisons of the body do not see it.
 */
const READING = Symbol('alexa.envelopeReading');
type Memo = { [READING]?: EnvelopeReading };

const refused = (refusal: EnvelopeRefusal): EnvelopeReading => Object.freeze({ facts: undefined, refusal });
const NOT_AN_OBJECT = refused('body is not a JSON object');
const NO_REQUEST = refused('body has no request object');
const NO_IDS = refused('request.type or request.requestId is missing');

/**
 * The one reader of Alexa request envelopes: turns a parsed JSON body into its frozen {@link EnvelopeFacts}, or
 * says why it is not an envelope. The same body object always gets the same reading, computed on the first
 * call, so every layer that has the body shares one read. Tolerates any JSON shape: the body is authentic at
 * best, never validated.
 */
export function readEnvelope(body: unknown): EnvelopeReading {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return NOT_AN_OBJECT;
  const memo = body as Memo;
  let reading = memo[READING];
  if (reading === undefined) {
    reading = read(body as Json);
    // A frozen body (tests, callers' constants) is read each time instead.
    if (Object.isExtensible(body)) Object.defineProperty(memo, READING, { value: reading });
  }
  return reading;
}

type Json = Readonly<Record<string, unknown>>;

function read(body: Json): EnvelopeReading {
  const request = body.request;
  if (!isObject(request)) return NO_REQUEST;
  const { type, requestId } = request;
  if (typeof type !== 'string' || typeof requestId !== 'string') return NO_IDS;
  const context = field(body, 'context');
  const system = field(context, 'System');
  const session = field(body, 'session');
  const systemUser = field(system, 'user');
  const sessionUser = field(session, 'user');
  const facts: EnvelopeFacts = {
    type,
    requestId,
    intentName: type === 'IntentRequest' ? text(field(request.intent, 'name')) : undefined,
    locale: text(request.locale),
    timestamp: text(request.timestamp),
    skillId:
      text(field(field(system, 'application'), 'applicationId')) ??
      text(field(field(session, 'application'), 'applicationId')),
    userId: userIdOf(field(systemUser, 'userId') ?? field(sessionUser, 'userId')),
    accessToken: accessTokenOf(field(systemUser, 'accessToken'), field(sessionUser, 'accessToken')),
    apiEndpoint: text(field(system, 'apiEndpoint')),
    apiAccessToken: text(field(system, 'apiAccessToken')),
    skillEvent: isSkillEvent(type) ? skillEventOf(request) : undefined,
  };
  return Object.freeze({ facts: Object.freeze(facts), refusal: undefined });
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null;
}

function field(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function userIdOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Amazon puts a linked user's token in both places; events carry no session. */
function accessTokenOf(fromContext: unknown, fromSession: unknown): AccessTokenFact | undefined {
  if (fromContext !== undefined && fromContext !== null) {
    return Object.freeze({ source: 'context', token: text(fromContext) });
  }
  if (fromSession !== undefined && fromSession !== null) {
    return Object.freeze({ source: 'session', token: text(fromSession) });
  }
  return undefined;
}

function skillEventOf(request: Json): SkillEventFacts {
  const body = request.body;
  return Object.freeze({
    eventCreationTime: text(request.eventCreationTime),
    acceptedPermissions: scopes(field(body, 'acceptedPermissions')),
    acceptedPersonPermissions: scopes(field(body, 'acceptedPersonPermissions')),
    userInformationPersistenceStatus: text(field(body, 'userInformationPersistenceStatus')),
    linkedAccessToken: text(field(body, 'accessToken')),
  });
}

function scopes(value: unknown): readonly string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return Object.freeze(
    value.flatMap((permission: unknown) => {
      const scope = field(permission, 'scope');
      return typeof scope === 'string' ? [scope] : [];
    }),
  );
}
