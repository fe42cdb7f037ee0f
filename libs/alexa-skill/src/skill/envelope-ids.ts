import type { RequestEnvelope } from 'ask-sdk-model';

/**
 * The skill a request is for (`context.System.application.applicationId`, else the session's), `unknown` when
 * absent; verification accepts only the configured IDs in production.
 */
export function skillIdOf(envelope: RequestEnvelope): string {
  const id: unknown =
    envelope.context?.System?.application?.applicationId ?? envelope.session?.application?.applicationId;
  return typeof id === 'string' ? id : 'unknown';
}

/** Alexa's user ID (personal data: never log it or put it in a key as it is). */
export function userIdOf(envelope: RequestEnvelope): string | undefined {
  const id: unknown = envelope.context?.System?.user?.userId ?? envelope.session?.user?.userId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
