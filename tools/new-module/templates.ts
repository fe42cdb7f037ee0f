// The files of a generated feature module: one GET through a resilient client with the linked user's token,
// one intent reading one slot, texts in en-US and de-DE, a unit spec and an e2e spec. Each is the smallest
// working version of its kind, meant to be filled in (docs/music.md, "Generate, then fill in").

export interface ModuleNames {
  /** `smart-home`: the folder, `@lib/<name>` and the project name. */
  name: string;
  /** `SmartHome`: classes. */
  pascal: string;
  /** `SMART_HOME`: constants. */
  constant: string;
  /** The resilient client's name (`provider` label, account linking's provider). */
  provider: string;
  /** `SMART_HOME_API`: the module's `<PREFIX>_*` variables. */
  envPrefix: string;
  /** `smart home`: in spoken samples and texts. */
  words: string;
}

/** The intent and slot the generated handler answers, as the interaction models name them. */
export const intentOf = (n: ModuleNames) => ({
  intent: `${n.pascal}LookupIntent`,
  slotType: `${n.constant}_ITEM`,
});

/** Source files under libs/<name>/src (specs included), by file name. */
export function librarySources(n: ModuleNames): Record<string, string> {
  const { intent } = intentOf(n);
  return {
    'index.ts': `export { ${n.pascal}Module } from './${n.name}.module';
`,
    [`${n.name}.texts.ts`]: `import { type LocalizedLine, SpeechTexts } from '@lib/alexa-skill';

export const HELP: LocalizedLine = {
  'en-US': 'You can ask me what ${n.words} says about something.',
  'de-DE': 'Du kannst mich fragen, was ${n.words} zu etwas sagt.',
};
export const TEXTS = new SpeechTexts<'value' | 'unknownItem' | 'apology'>({
  'en-US': {
    value: '{item}: {value}.',
    unknownItem: "I don't know that one. Please ask again.",
    apology: "The ${n.words} service isn't answering right now. Please try again later.",
  },
  'de-DE': {
    value: '{item}: {value}.',
    unknownItem: 'Das kenne ich nicht. Bitte frag noch einmal.',
    apology: 'Der Dienst ${n.words} antwortet gerade nicht. Versuch es später noch einmal.',
  },
});
`,
    [`${n.name}-api.client.ts`]: `import { Injectable } from '@nestjs/common';
import { type CallOptions, InjectResilientClient, ResilientHttpClient } from '@lib/resilient-http';
import { resilientClientSettings } from '@lib/resilient-http';
import { z } from 'zod';

export const PROVIDER = '${n.provider}';
const upstream = 'the ${n.words} API';
export const SETTINGS = resilientClientSettings({ envPrefix: '${n.envPrefix}', upstream });
const itemSchema = z.object({ name: z.string(), value: z.union([z.string(), z.number()]) });

/** The upstream API for the linked user: one method per operation, zod-checked bodies (unknown fields ignored). */
@Injectable()
export class ${n.pascal}ApiClient {
  constructor(@InjectResilientClient(PROVIDER) private readonly http: ResilientHttpClient) {}

  item(accessToken: string, id: string, { deadline, onTokenAnswer }: CallOptions) {
    const options = { accessToken, deadline, onTokenAnswer };
    return this.http.getJson('item', \`/items/\${encodeURIComponent(id)}\`, itemSchema, options);
  }
}
`,
    [`${n.name}.module.ts`]: `import { type DynamicModule, Module } from '@nestjs/common';
import { RequiresLinkedAccount, upstreamErrorSpeech } from '@lib/account-linking';
import { resolvedSlot } from '@lib/alexa-protocol';
import { AlexaSkillModule, IntentHandler, type SkillRequestContext } from '@lib/alexa-skill';
import { type ResilientClientOptions, ResilientHttpModule } from '@lib/resilient-http';
import type { HandlerInput } from 'ask-sdk-core';
import { PROVIDER, SETTINGS, ${n.pascal}ApiClient } from './${n.name}-api.client';
import { HELP, TEXTS } from './${n.name}.texts';

/** ${intent}{item}: the value of the item entity resolution matched; no match is asked again. */
@IntentHandler('${intent}')
@RequiresLinkedAccount({ provider: PROVIDER })
export class ${n.pascal}LookupHandler {
  constructor(private readonly api: ${n.pascal}ApiClient) {}

  async handle(input: HandlerInput, context: SkillRequestContext) {
    const id = resolvedSlot(context.envelope, 'item')?.id;
    const ask = TEXTS.get(context.locale, 'unknownItem');
    if (!id) return input.responseBuilder.speak(ask).reprompt(ask).withShouldEndSession(false).getResponse();
    const item = await this.api.item(context.requireAccessToken(), id, context);
    const speech = TEXTS.get(context.locale, 'value', { item: item.name, value: item.value });
    return input.responseBuilder.speak(speech).withShouldEndSession(true).getResponse();
  }
}

@Module({})
export class ${n.pascal}Module {
  static readonly settings = SETTINGS;

  static forRoot(api: ResilientClientOptions): DynamicModule {
    return {
      module: ${n.pascal}Module,
      imports: [
        ResilientHttpModule.forFeature({ ...api, name: PROVIDER }),
        AlexaSkillModule.forFeature({ help: HELP }),
        upstreamErrorSpeech({ client: PROVIDER, texts: TEXTS, unavailable: 'apology' }),
      ],
      providers: [${n.pascal}ApiClient, ${n.pascal}LookupHandler],
    };
  }
}
`,
    [`${n.name}-api.client.spec.ts`]: `import { ResilientHttpClient, UpstreamBadResponseError } from '@lib/resilient-http';
import { type FakeUpstream, startFakeUpstream } from '../../../test/support/fake-upstream';
import { PROVIDER, ${n.pascal}ApiClient } from './${n.name}-api.client';

describe('${n.pascal}ApiClient', () => {
  let upstream: FakeUpstream;
  let api: ${n.pascal}ApiClient;

  beforeEach(async () => {
    upstream = await startFakeUpstream();
    const http = new ResilientHttpClient({ name: PROVIDER, baseURL: upstream.url, retry: false });
    api = new ${n.pascal}ApiClient(http);
  });
  afterEach(() => upstream.close());

  it('gets an item with the user token and returns its name and value', async () => {
    upstream.route('GET', '/items/A%20B', { status: 200, body: { name: 'a b', value: 7, extra: true } });
    await expect(api.item('token-1', 'A B', {})).resolves.toEqual({ name: 'a b', value: 7 });
    expect(upstream.requests[0].headers.authorization).toBe('Bearer token-1');
  });

  it('refuses a body that does not fit the schema', async () => {
    upstream.route('GET', '/items/X', { status: 200, body: { name: 'x' } });
    await expect(api.item('token-1', 'X', {})).rejects.toBeInstanceOf(UpstreamBadResponseError);
  });
});
`,
  };
}

/** The e2e spec (test/<name>/<name>.e2e-spec.ts): the real app, signed requests, the fake upstream. */
export function e2eSpec(n: ModuleNames): string {
  const { intent } = intentOf(n);
  const env = (key: string, value: string) => `        ${n.envPrefix}_${key}: '${value}',`;
  return `import { alexaRequest } from '../../tools/alexa-request/envelope.ts';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream';
import { createTestApp, type TestApp } from '../support/test-app';

const TOKEN = 'Atza|IwEBI${n.constant.toLowerCase()}-linked-token';

describe('the ${n.name} module in the real app', () => {
  let upstream: FakeUpstream;
  let t: TestApp;

  beforeAll(async () => {
    upstream = (await startFakeUpstream()).route('GET', '/items/EXAMPLE', {
      status: 200,
      body: { name: 'example', value: 42 },
    });
    t = await createTestApp({
      env: {
        ${n.envPrefix}_BASE_URL: upstream.url,
${env('MAX_RETRIES', '0')}
${env('ATTEMPT_TIMEOUT_MS', '200')}
${env('TOTAL_BUDGET_MS', '500')}
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await upstream?.close();
  });

  const lookup = (options: { locale?: string; token?: string; resolved?: boolean } = {}) => {
    const request = alexaRequest()
      .locale(options.locale ?? 'en-US')
      .intent('${intent}', {
        item: { value: 'example', resolved: options.resolved === false ? 'no-match' : { id: 'EXAMPLE', name: 'example' } },
      });
    return options.token === '' ? request : request.linked(options.token ?? TOKEN);
  };
  const answer = async (request: ReturnType<typeof lookup>) => {
    const res = await t.alexa(request);
    expect(res.statusCode).toBe(200);
    return res.json().response;
  };

  it('looks the resolved item up with the user token and speaks its value', async () => {
    const received = upstream.nextRequest();
    expect(await answer(lookup())).toEqual({
      outputSpeech: { type: 'SSML', ssml: '<speak>example: 42.</speak>' },
      shouldEndSession: true,
    });
    const request = await received;
    expect(request.url).toBe('/items/EXAMPLE');
    expect(request.headers.authorization).toBe(\`Bearer \${TOKEN}\`);
  });

  it('asks again, without a call, when the slot matched no item', async () => {
    const calls = upstream.requests.length;
    const response = await answer(lookup({ resolved: false }));
    expect(response.outputSpeech.ssml).toBe("<speak>I don't know that one. Please ask again.</speak>");
    expect(response.shouldEndSession).toBe(false);
    expect(upstream.requests.length).toBe(calls);
  });

  it('sends the link card, without a call, to a user who has not linked an account', async () => {
    const calls = upstream.requests.length;
    expect((await answer(lookup({ token: '' }))).card).toEqual({ type: 'LinkAccount' });
    expect(upstream.requests.length).toBe(calls);
  });

  it('sends the link card when the upstream rejects the token (401)', async () => {
    upstream.script('GET', '/items/EXAMPLE', { status: 401, body: { error: 'invalid_token' } });
    expect((await answer(lookup())).card).toEqual({ type: 'LinkAccount' });
  });

  it('apologises in the request locale when the upstream fails or is down', async () => {
    upstream.script('GET', '/items/EXAMPLE', { status: 503 });
    expect((await answer(lookup())).outputSpeech.ssml).toBe(
      "<speak>The ${n.words} service isn't answering right now. Please try again later.</speak>",
    );
    await upstream.down();
    expect((await answer(lookup({ locale: 'de-DE' }))).outputSpeech.ssml).toBe(
      '<speak>Der Dienst ${n.words} antwortet gerade nicht. Versuch es später noch einmal.</speak>',
    );
    await upstream.up();
    expect(t.logs.text()).not.toContain(TOKEN);
  });
});
`;
}

/** The intent and its slot type for one locale's interaction model. */
export function interactionModelStub(n: ModuleNames, locale: string) {
  const { intent, slotType } = intentOf(n);
  const german = locale.startsWith('de');
  const samples = german
    ? [`was sagt ${n.words} zu {item}`, `frag ${n.words} nach {item}`]
    : [`what does ${n.words} say about {item}`, `ask ${n.words} about {item}`];
  return {
    intent: { name: intent, slots: [{ name: 'item', type: slotType }], samples },
    type: {
      name: slotType,
      values: [
        {
          id: 'EXAMPLE',
          name: german
            ? { value: 'beispiel', synonyms: ['muster'] }
            : { value: 'example', synonyms: ['sample'] },
        },
      ],
    },
  };
}
