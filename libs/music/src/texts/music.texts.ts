import { type LocalizedLine, SpeechTexts } from '@lib/alexa-skill';

/** What the built-in Help says about music (`AlexaSkillModule.forFeature`), before its own sentence. */
export const MUSIC_HELP: LocalizedLine = {
  'en-US': 'You can ask me to play music, or ask what is playing.',
  'de-DE': 'Du kannst mich bitten, Musik zu spielen, oder fragen, was gerade läuft.',
};

export type MusicTextKey =
  | 'greeting'
  | 'greetingNoName'
  | 'reprompt'
  | 'nowPlaying'
  | 'nowPaused'
  | 'nothingPlaying'
  | 'askQuery'
  | 'startedPlaying'
  | 'noResults'
  | 'noActiveDevice'
  | 'paused'
  | 'oneMoment'
  | 'upstreamDown'
  | 'rateLimited';

/** Every text the music module speaks, per locale. Placeholder values are SSML-escaped. */
export const MUSIC_TEXTS = new SpeechTexts<MusicTextKey>({
  'en-US': {
    greeting: 'Welcome back, {name}! What would you like to hear?',
    greetingNoName: 'Welcome back! What would you like to hear?',
    reprompt: 'You can say: play Queen, or ask what is playing.',
    nowPlaying: 'This is {track} by {artist}.',
    nowPaused: '{track} by {artist} is paused.',
    nothingPlaying: 'Nothing is playing right now.',
    askQuery: 'What would you like me to play?',
    startedPlaying: 'Playing {name}.',
    noResults: "I couldn't find anything for {query}.",
    noActiveDevice: 'I could not find an active player. Open the music app on a device, then ask again.',
    paused: 'Paused.',
    oneMoment: 'One moment...',
    upstreamDown: "The music service isn't answering right now. Please try again in a little while.",
    rateLimited: 'The music service is busy right now. Please try again in a minute.',
  },
  'de-DE': {
    greeting: 'Willkommen zurück, {name}! Was möchtest du hören?',
    greetingNoName: 'Willkommen zurück! Was möchtest du hören?',
    reprompt: 'Du kannst sagen: spiele Queen, oder fragen, was gerade läuft.',
    nowPlaying: 'Das ist {track} von {artist}.',
    nowPaused: '{track} von {artist} ist pausiert.',
    nothingPlaying: 'Gerade läuft nichts.',
    askQuery: 'Was soll ich spielen?',
    startedPlaying: 'Ich spiele {name}.',
    noResults: 'Ich habe nichts zu {query} gefunden.',
    noActiveDevice:
      'Ich habe keinen aktiven Player gefunden. Öffne die Musik-App auf einem Gerät und frag dann noch einmal.',
    paused: 'Pausiert.',
    oneMoment: 'Einen Moment...',
    upstreamDown: 'Der Musikdienst antwortet gerade nicht. Bitte versuche es gleich noch einmal.',
    rateLimited: 'Der Musikdienst ist gerade ausgelastet. Bitte versuche es in einer Minute noch einmal.',
  },
});
