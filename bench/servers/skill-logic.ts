// The skill logic the reference servers share with the service's built-in LaunchRequest handler
// (libs/alexa-skill/src/built-in): the same welcome and reprompt, in the same response envelope.
export const WELCOME = 'Welcome! What would you like to do?';
export const REPROMPT = 'What would you like to do?';

/** What ask-sdk answers to a LaunchRequest with that welcome: the ceiling sends these bytes for any POST. */
export const FIXED_LAUNCH_RESPONSE = JSON.stringify({
  version: '1.0',
  response: {
    outputSpeech: { type: 'SSML', ssml: `<speak>${WELCOME}</speak>` },
    reprompt: { outputSpeech: { type: 'SSML', ssml: `<speak>${REPROMPT}</speak>` } },
    shouldEndSession: false,
  },
  userAgent: `ask-node/2.14.0 Node/${process.version}`,
  sessionAttributes: {},
});

/** The port and host every reference server reads, like the service. */
export function listenAddress(): { port: number; host: string } {
  return { port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' };
}
