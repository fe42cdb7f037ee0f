import type { ResponseEnvelope } from 'ask-sdk-model';

/** Why a response may not leave the service; undefined when it may. */
export function responseProblem(
  envelope: ResponseEnvelope,
  serialized: string,
  limits: { maxSpeechChars: number; maxResponseBytes: number },
): string | undefined {
  const speech = envelope.response?.outputSpeech;
  const text = speech ? (speech.type === 'SSML' ? speech.ssml : speech.text) : undefined;
  if (text !== undefined && text.length > limits.maxSpeechChars) {
    return `output speech has ${text.length} characters (limit ${limits.maxSpeechChars})`;
  }
  const reprompt = envelope.response?.reprompt?.outputSpeech;
  const repromptText = reprompt ? (reprompt.type === 'SSML' ? reprompt.ssml : reprompt.text) : undefined;
  if (repromptText !== undefined && repromptText.length > limits.maxSpeechChars) {
    return `reprompt has ${repromptText.length} characters (limit ${limits.maxSpeechChars})`;
  }
  // Cheap upper bound first: a UTF-8 byte is at most 3 per UTF-16 unit here.
  if (serialized.length * 3 > limits.maxResponseBytes) {
    const bytes = Buffer.byteLength(serialized, 'utf8');
    if (bytes > limits.maxResponseBytes)
      return `response has ${bytes} bytes (limit ${limits.maxResponseBytes})`;
  }
  return undefined;
}
