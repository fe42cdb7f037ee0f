/**
 * Whether Alexa accepts output speech and cards in the answer to this request type. It does not for
 * AudioPlayer and PlaybackController requests ("cannot include outputSpeech, card, reprompt", Amazon's
 * AudioPlayer and PlaybackController interface references), SessionEndedRequest, System.ExceptionEncountered
 * and skill events; a protected handler for one of those gets an empty answer instead of a link card.
 */
export function allowsSpeech(requestType: string): boolean {
  return !(
    requestType.startsWith('AudioPlayer.') ||
    requestType.startsWith('PlaybackController.') ||
    requestType.startsWith('AlexaSkillEvent.') ||
    requestType === 'SessionEndedRequest' ||
    requestType === 'System.ExceptionEncountered'
  );
}
