import { SpeechTexts } from '@lib/alexa-skill';

/**
 * `linkAccount`: spoken with the LinkAccount card (no token, a malformed one, or one the upstream rejected).
 * `accessForbidden`: spoken when the upstream refuses a valid token (403, e.g. a missing OAuth scope).
 */
export type AccountLinkingTextKey = 'linkAccount' | 'accessForbidden';

/** The default texts (SSML fragments); override with `AccountLinkingModule.forRoot({ texts })`. */
export const ACCOUNT_LINKING_TEXTS = new SpeechTexts<AccountLinkingTextKey>({
  'en-US': {
    linkAccount:
      'To use this, please link your account. I sent a card to the Alexa app that takes you there.',
    accessForbidden:
      "Your linked account isn't allowed to do that. Please check your account's permissions with its provider.",
  },
  'de-DE': {
    linkAccount:
      'Dafür musst du zuerst dein Konto verknüpfen. Ich habe dir dazu eine Karte in die Alexa-App geschickt.',
    accessForbidden:
      'Dein verknüpftes Konto darf das leider nicht. Bitte prüfe die Berechtigungen deines Kontos beim Anbieter.',
  },
});
