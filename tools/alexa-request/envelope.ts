// Builds Alexa request envelopes as Amazon sends them (custom skill JSON interface, version 1.0).
// Shared by the request simulator, the end-to-end tests and the benchmarks. Erasable TypeScript:
// Node 24 runs it directly.
import { randomUUID } from 'node:crypto';

export const DEFAULT_SKILL_ID = 'amzn1.ask.skill.00000000-0000-4000-8000-000000000000';
export const DEFAULT_USER_ID = 'amzn1.ask.account.DEMOUSER';

type Json = Record<string, unknown>;

export interface Slots {
  [name: string]: string;
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

  launch(): this {
    this.request = { type: 'LaunchRequest' };
    this.withSession = true;
    return this;
  }

  intent(name: string, slots: Slots = {}): this {
    const slotObjects: Json = {};
    for (const [slot, value] of Object.entries(slots)) {
      slotObjects[slot] = { name: slot, value, confirmationStatus: 'NONE' };
    }
    this.request = {
      type: 'IntentRequest',
      dialogState: 'COMPLETED',
      intent: { name, confirmationStatus: 'NONE', slots: slotObjects },
    };
    this.withSession = true;
    return this;
  }

  sessionEnded(reason = 'USER_INITIATED'): this {
    this.request = { type: 'SessionEndedRequest', reason };
    this.withSession = true;
    return this;
  }

  /** A skill event, e.g. `event('AlexaSkillEvent.SkillAccountLinked', { accessToken: 'new' })`. Events carry no session. */
  event(type: string, body: Json = {}): this {
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

  /** The exact bytes to send (and to sign). */
  body(): string {
    return JSON.stringify(this.build());
  }
}

export function alexaRequest(): AlexaRequestBuilder {
  return new AlexaRequestBuilder();
}
