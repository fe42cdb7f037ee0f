// Builds Alexa request envelopes as Amazon sends them (custom skill JSON interface, version 1.0).
// Shared by the request simulator, the end-to-end tests and the benchmarks. Erasable TypeScript:
// Node 24 runs it directly.
import { randomUUID } from 'node:crypto';

export const DEFAULT_SKILL_ID = 'amzn1.ask.skill.00000000-0000-4000-8000-000000000000';
export const DEFAULT_USER_ID = 'amzn1.ask.account.DEMOUSER';

type Json = Record<string, unknown>;

/**
 * A slot value with Amazon's entity resolution for a custom slot type: the spoken value matched a value of
 * the type (`ER_SUCCESS_MATCH`, with the value's name and ID) or did not (`ER_SUCCESS_NO_MATCH`).
 */
export interface ResolvedSlot {
  /** What the user said. */
  value: string;
  /** The matched slot type value, or `'no-match'`. */
  resolved: { id: string; name: string } | 'no-match';
  /** The custom slot type, the last part of the authority. @default 'SLOT_TYPE' */
  type?: string;
}

export interface Slots {
  [name: string]: string | ResolvedSlot;
}

/** A fluent builder: `alexaRequest().intent('PlayMusicIntent', { query: 'Queen' }).linked('tok').build()`. */
export class AlexaRequestBuilder {
  private request: Json = { type: 'LaunchRequest' };
  private localeValue = 'en-US';
  private token: string | undefined;
  private skillId = DEFAULT_SKILL_ID;
  private userId = DEFAULT_USER_ID;
  private timestampValue: Date | undefined;
  private requestIdValue: string | undefined;
  private apiEndpointValue = 'https://api.amazonalexa.com';
  private withSession = true;
  private newSession = true;
  /** The intent's slots, rendered in build() (their resolution authority names the skill ID). */
  private slots: Slots | undefined;

  launch(): this {
    this.request = { type: 'LaunchRequest' };
    this.slots = undefined;
    this.withSession = true;
    return this;
  }

  /** `intent('PlayMusicIntent', { query: 'Queen', genre: { value: 'rock', resolved: { id: 'ROCK', name: 'rock' } } })`. */
  intent(name: string, slots: Slots = {}): this {
    this.request = {
      type: 'IntentRequest',
      dialogState: 'COMPLETED',
      intent: { name, confirmationStatus: 'NONE' },
    };
    this.slots = slots;
    this.withSession = true;
    return this;
  }

  sessionEnded(reason = 'USER_INITIATED'): this {
    this.request = { type: 'SessionEndedRequest', reason };
    this.slots = undefined;
    this.withSession = true;
    return this;
  }

  /** A skill event, e.g. `event('AlexaSkillEvent.SkillAccountLinked', { accessToken: 'new' })`. Events carry no session. */
  event(type: string, body: Json = {}): this {
    this.slots = undefined;
    this.request = {
      type,
      body,
      eventCreationTime: new Date().toISOString(),
      eventPublishingTime: new Date().toISOString(),
    };
    this.withSession = false;
    return this;
  }

  /** Any request object (for hostile-input tests). */
  raw(request: Json): this {
    this.request = request;
    this.slots = undefined;
    return this;
  }

  locale(locale: string): this {
    this.localeValue = locale;
    return this;
  }

  /** A user whose account is linked: the token appears where Amazon puts it (context and session). */
  linked(accessToken: string): this {
    this.token = accessToken;
    return this;
  }

  skill(skillId: string): this {
    this.skillId = skillId;
    return this;
  }

  user(userId: string): this {
    this.userId = userId;
    return this;
  }

  timestamp(at: Date): this {
    this.timestampValue = at;
    return this;
  }

  requestId(id: string): this {
    this.requestIdValue = id;
    return this;
  }

  apiEndpoint(url: string): this {
    this.apiEndpointValue = url;
    return this;
  }

  continuingSession(): this {
    this.newSession = false;
    return this;
  }

  build(): Json {
    const user: Json = { userId: this.userId };
    if (this.token !== undefined) user.accessToken = this.token;
    const request: Json = {
      ...this.request,
      ...(this.slots && {
        intent: { ...(this.request.intent as Json), slots: this.renderSlots(this.slots) },
      }),
      requestId: this.requestIdValue ?? `amzn1.echo-api.request.${randomUUID()}`,
      timestamp: (this.timestampValue ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      locale: this.localeValue,
    };
    const envelope: Json = {
      version: '1.0',
      context: {
        System: {
          application: { applicationId: this.skillId },
          user,
          device: { deviceId: 'amzn1.ask.device.DEMO', supportedInterfaces: {} },
          apiEndpoint: this.apiEndpointValue,
          apiAccessToken: 'demo-api-access-token',
        },
      },
      request,
    };
    if (this.withSession) {
      envelope.session = {
        new: this.newSession,
        sessionId: 'amzn1.echo-api.session.DEMO',
        application: { applicationId: this.skillId },
        attributes: {},
        user,
      };
    }
    return envelope;
  }

  /** Slots as Amazon sends them; a resolved one carries `resolutions.resolutionsPerAuthority`. */
  private renderSlots(slots: Slots): Json {
    const rendered: Json = {};
    for (const [name, slot] of Object.entries(slots)) {
      if (typeof slot === 'string') {
        rendered[name] = { name, value: slot, confirmationStatus: 'NONE' };
        continue;
      }
      const authority = `amzn1.er-authority.echo-sdk.${this.skillId}.${slot.type ?? 'SLOT_TYPE'}`;
      const resolution =
        slot.resolved === 'no-match'
          ? { authority, status: { code: 'ER_SUCCESS_NO_MATCH' } }
          : { authority, status: { code: 'ER_SUCCESS_MATCH' }, values: [{ value: slot.resolved }] };
      rendered[name] = {
        name,
        value: slot.value,
        resolutions: { resolutionsPerAuthority: [resolution] },
        confirmationStatus: 'NONE',
        source: 'USER',
      };
    }
    return rendered;
  }

  /** The exact bytes to send (and to sign). */
  body(): string {
    return JSON.stringify(this.build());
  }
}

export function alexaRequest(): AlexaRequestBuilder {
  return new AlexaRequestBuilder();
}
