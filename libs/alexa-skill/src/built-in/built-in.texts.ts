import { SpeechTexts } from '../speech/speech-texts';

export type BuiltInTextKey = 'welcome' | 'help' | 'goodbye' | 'fallback' | 'reprompt' | 'error';

/**
 * The built-in handlers' texts; override with `AlexaSkillModule.forRoot({ texts })`. They name no domain: what
 * the skill can do is said by the modules' lines (`AlexaSkillModule.forFeature({ help, launch })`). Launch
 * says `welcome`, the launch lines, then `reprompt`; Help says the help lines, then `help`.
 */
export const BUILT_IN_TEXTS = new SpeechTexts<BuiltInTextKey>({
  'en-US': {
    welcome: 'Welcome!',
    help: 'You can say stop at any time. What would you like to do?',
    goodbye: 'Goodbye!',
    fallback: "Sorry, I can't help with that. You can say help to hear what I can do.",
    reprompt: 'What would you like to do?',
    error: 'Sorry, something went wrong. Please try again later.',
  },
  'de-DE': {
    welcome: 'Willkommen!',
    help: 'Du kannst jederzeit Stopp sagen. Was möchtest du tun?',
    goodbye: 'Tschüss!',
    fallback: 'Das kann ich leider nicht. Sag Hilfe, um zu hören, was ich kann.',
    reprompt: 'Was möchtest du tun?',
    error: 'Entschuldigung, da ist etwas schiefgelaufen. Bitte versuche es später noch einmal.',
  },
});
