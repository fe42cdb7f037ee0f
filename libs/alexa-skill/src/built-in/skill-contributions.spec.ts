import type { DiscoveryService } from '@nestjs/core';
import { ResponseFactory, type HandlerInput } from 'ask-sdk-core';
import type { SkillRequestContext } from '../handlers/skill-request-context';
import { HelpIntentHandler, LaunchRequestHandler } from './built-in.handlers';
import { BUILT_IN_TEXTS } from './built-in.texts';
import { SkillContributions, SkillTextContribution } from './skill-contributions';

function contributionsOf(...found: unknown[]): SkillContributions {
  const discovery = {
    getProviders: () => [{ instance: { unrelated: true } }, ...found.map((instance) => ({ instance }))],
  } as unknown as DiscoveryService;
  const contributions = new SkillContributions(discovery);
  contributions.onModuleInit();
  return contributions;
}

const music = new SkillTextContribution({
  help: { 'en-US': 'You can ask for music.', 'de-DE': 'Du kannst nach Musik fragen.' },
});
const news = new SkillTextContribution({
  help: { 'en-US': 'You can ask for the news.' },
  launch: { 'en-US': 'The news is ready.', 'de-DE': 'Die Nachrichten sind da.' },
});

const speak = (handler: { handle: (i: HandlerInput, c: SkillRequestContext) => unknown }, locale: string) => {
  const input = { responseBuilder: ResponseFactory.init() } as HandlerInput;
  return handler.handle(input, { locale } as SkillRequestContext) as {
    outputSpeech: { ssml: string };
    reprompt: { outputSpeech: { ssml: string } };
  };
};

describe('module contributions to the built-in answers', () => {
  it('speaks every help line for the locale in module order, then the core sentence', () => {
    const help = new HelpIntentHandler(BUILT_IN_TEXTS, contributionsOf(music, news));
    expect(speak(help, 'en-US').outputSpeech.ssml).toBe(
      '<speak>You can ask for music. You can ask for the news. You can say stop at any time. ' +
        'What would you like to do?</speak>',
    );
    expect(speak(help, 'de-DE').reprompt.outputSpeech.ssml).toBe('<speak>Was möchtest du tun?</speak>');
  });

  it('falls back like SpeechTexts: the language, then en-US', () => {
    const help = new HelpIntentHandler(BUILT_IN_TEXTS, contributionsOf(music, news));
    expect(speak(help, 'de-AT').outputSpeech.ssml).toBe(
      '<speak>Du kannst nach Musik fragen. You can ask for the news. ' +
        'Du kannst jederzeit Stopp sagen. Was möchtest du tun?</speak>',
    );
    expect(speak(help, 'ja-JP').outputSpeech.ssml).toContain('You can ask for music.');
  });

  it('puts launch lines between the greeting and the question', () => {
    const launch = new LaunchRequestHandler(BUILT_IN_TEXTS, contributionsOf(music, news));
    expect(speak(launch, 'de-DE').outputSpeech.ssml).toBe(
      '<speak>Willkommen! Die Nachrichten sind da. Was möchtest du tun?</speak>',
    );
  });

  it('speaks only the core texts when no module contributes', () => {
    expect(
      speak(new LaunchRequestHandler(BUILT_IN_TEXTS, contributionsOf()), 'en-US').outputSpeech.ssml,
    ).toBe('<speak>Welcome! What would you like to do?</speak>');
  });

  it('refuses a contribution without the default locale, or with nothing in it', () => {
    expect(() => new SkillTextContribution({ help: { 'de-DE': 'Hallo.' } })).toThrow(
      'AlexaSkillModule.forFeature: the help line lacks the default locale en-US',
    );
    expect(() => new SkillTextContribution({})).toThrow('contributes nothing');
  });
});
