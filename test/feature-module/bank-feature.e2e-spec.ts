import { alexaRequest } from '../../tools/alexa-request/envelope.ts';
import { FEATURE_MODULES } from '../../apps/skill-service/src/feature-modules';
import { createTestApp, type TestApp } from '../support/test-app';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream';
import { BankModule } from './bank/bank.module';

// A feature module added to the real app by listing it: its BANK_API_* settings validated with the app's,
// its client's failures spoken from its declaration (upstreamErrorSpeech), the 401 answered by account linking.

const TOKEN = 'Atza|IwEBIbank-linked-token-3d81c7';

describe('a feature module declared with settings and upstream error speech', () => {
  let bank: FakeUpstream;
  let t: TestApp;

  beforeAll(async () => {
    bank = (await startFakeUpstream()).route('GET', /^\/accounts\//, {
      status: 200,
      body: { name: 'checking', balance: 1250 },
    });
    t = await createTestApp({
      features: [...FEATURE_MODULES, BankModule],
      env: {
        BANK_API_BASE_URL: bank.url,
        BANK_API_MAX_RETRIES: '0',
        BANK_API_ATTEMPT_TIMEOUT_MS: '200',
        BANK_API_TOTAL_BUDGET_MS: '500',
        BANK_API_BREAKER_FAILURES: '3',
        BANK_API_BREAKER_HALF_OPEN_AFTER_MS: '600000',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await bank?.close();
  });

  const balance = (locale = 'en-US') =>
    alexaRequest()
      .locale(locale)
      .linked(TOKEN)
      .intent('AccountBalanceIntent', {
        account: { value: 'savings', resolved: { id: 'SAVINGS', name: 'savings' } },
      });
  const answer = async (locale?: string) => {
    const res = await t.alexa(balance(locale));
    expect(res.statusCode).toBe(200);
    return res.json().response;
  };

  it('calls the bank with the user token for the resolved account and speaks the balance', async () => {
    bank.script('GET', '/accounts/SAVINGS', { status: 200, body: { name: 'savings', balance: 42 } });
    expect(await answer()).toEqual({
      outputSpeech: { type: 'SSML', ssml: '<speak>Your savings account holds 42 dollars.</speak>' },
      shouldEndSession: true,
    });
    const call = bank.requests.at(-1);
    expect(call?.url).toBe('/accounts/SAVINGS');
    expect(call?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('answers a token the bank rejects (401) with the link card', async () => {
    bank.script('GET', '/accounts/SAVINGS', { status: 401, body: { error: 'invalid_token' } });
    const response = await answer();
    expect(response.card).toEqual({ type: 'LinkAccount' });
    expect(response.shouldEndSession).toBe(true);
  });

  it('apologises with the module text when the bank fails (503), in the request locale', async () => {
    bank.script('GET', '/accounts/SAVINGS', { status: 503 }, { status: 503 });
    expect((await answer()).outputSpeech.ssml).toBe(
      "<speak>The bank isn't answering right now. Please try again later.</speak>",
    );
    expect((await answer('de-DE')).outputSpeech.ssml).toBe(
      '<speak>Die Bank antwortet gerade nicht. Bitte versuche es später noch einmal.</speak>',
    );
  });

  it('apologises when the bank does not answer within the attempt timeout', async () => {
    bank.script('GET', '/accounts/SAVINGS', 'hang');
    const response = await answer();
    expect(response.outputSpeech.ssml).toContain("The bank isn't answering right now.");
    expect(response.card).toBeUndefined();
  });

  it('apologises without calling the bank while its breaker is open', async () => {
    await answer(); // a success: the count of consecutive failures starts again
    bank.script('GET', '/accounts/SAVINGS', { status: 503 }, { status: 503 }, { status: 503 });
    for (let i = 0; i < 3; i++) await answer();
    const callsBefore = bank.requests.length;
    expect((await answer()).outputSpeech.ssml).toContain("The bank isn't answering right now.");
    expect(bank.requests.length).toBe(callsBefore);
    expect(t.logs.text()).toContain('bank API call failed');
    expect(t.logs.text()).not.toContain(TOKEN);
  });
});
