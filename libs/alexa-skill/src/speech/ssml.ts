const SSML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
const SSML_SPECIAL = /[&<>"']/g;

/** Escapes plain text for use inside SSML (ask-sdk's `speak()` wraps its input in `<speak>` as SSML). */
export function escapeSsml(text: string): string {
  return text.replace(SSML_SPECIAL, (c) => SSML_ESCAPES[c]);
}
