import { type DynamicModule, Module } from '@nestjs/common';
import { RequiresLinkedAccount, upstreamErrorSpeech } from '@lib/account-linking';
import { resolvedSlot } from '@lib/alexa-protocol';
import { IntentHandler, type SkillHandler, type SkillRequestContext, SpeechTexts } from '@lib/alexa-skill';
import {
  InjectResilientClient,
  ResilientHttpClient,
  ResilientHttpModule,
  resilientClientSettings,
  type ResilientClientOptions,
} from '@lib/resilient-http';
import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { z } from 'zod';

// A linked-account API module as a domain team writes one, whole: one GET with the user's token, one slot,
// its texts in en-US and de-DE. The link card on 401 and the apology on an outage are declared, not written.

const BANK = 'bank';

export const BANK_TEXTS = new SpeechTexts<'balance' | 'apology'>({
  'en-US': {
    balance: 'Your {account} account holds {amount} dollars.',
    apology: "The bank isn't answering right now. Please try again later.",
  },
  'de-DE': {
    balance: 'Auf deinem Konto {account} sind {amount} Euro.',
    apology: 'Die Bank antwortet gerade nicht. Bitte versuche es später noch einmal.',
  },
});

const balanceSchema = z.object({ name: z.string(), balance: z.number() });

@IntentHandler('AccountBalanceIntent')
@RequiresLinkedAccount({ provider: BANK })
export class AccountBalanceHandler implements SkillHandler {
  constructor(@InjectResilientClient(BANK) private readonly http: ResilientHttpClient) {}

  async handle(input: HandlerInput, context: SkillRequestContext): Promise<Response> {
    const account = resolvedSlot(context.envelope, 'account')?.id ?? 'CHECKING';
    const found = await this.http.getJson('balance', `/accounts/${account}`, balanceSchema, {
      accessToken: context.requireAccessToken(),
      deadline: context.deadline,
      onTokenAnswer: context.onTokenAnswer,
    });
    const speech = BANK_TEXTS.get(context.locale, 'balance', { account: found.name, amount: found.balance });
    return input.responseBuilder.speak(speech).withShouldEndSession(true).getResponse();
  }
}

@Module({})
export class BankModule {
  static readonly settings = resilientClientSettings({ envPrefix: 'BANK_API', upstream: 'the bank API' });

  static forRoot(api: ResilientClientOptions): DynamicModule {
    return {
      module: BankModule,
      imports: [
        ResilientHttpModule.forFeature({ ...api, name: BANK }),
        upstreamErrorSpeech({ client: BANK, texts: BANK_TEXTS, unavailable: 'apology' }),
      ],
      providers: [AccountBalanceHandler],
    };
  }
}
