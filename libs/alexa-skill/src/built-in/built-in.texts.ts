import { SpeechTexts } from '../speech/speech-texts';

export type BuiltInTextKey = 'welcome' | 'help' | 'goodbye' | 'fallback' | 'reprompt' | 'error';

/** The built-in handlers' texts; override with `AlexaSkillModule.forRoot({ texts })`. */
export const BUILT_IN_TEXTS = new SpeechTexts<BuiltInTextKey>({
  'en-US': {
    welcome: 'Welcome! What would you like to do?',
    help: 'You can ask me to play music, or ask what is playing. What would you like to do?',
    goodbye: 'Goodbye!',
    fallback: "Sorry, I can't help with that. You can say help to hear what I can do.",
    reprompt: 'What would you like to do?',
    error: 'Sorry, something went wrong. Please try again later.',
  },
  'de-DE': {
    welcome: 'Willkommen! Was möchtest du tun?',
    help: 'Du kannst mich bitten, Musik zu spielen, oder fragen, was gerade läuft. Was möchtest du tun?',
    goodbye: 'Tschüss!',
    fallback: 'Das kann ich leider nicht. Sag Hilfe, um zu hören, was ich kann.',
    reprompt: 'Was möchtest du tun?',
    error: 'Entschuldigung, da ist etwas schiefgelaufen. Bitte versuche es später noch einmal.',
  },
});
