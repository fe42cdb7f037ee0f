import { escapeSsml } from './ssml';

/** Texts of one module: `{ 'en-US': { key: 'Hello {name}' }, 'de-DE': {...} }`. */
export type SpeechCatalog<K extends string> = Readonly<Record<string, Readonly<Record<K, string>>>>;

const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * Localized speech texts kept in one place per module. Picks the text by the request's locale
 * (exact match, then language, e.g. `de-AT` -> `de-DE`, then the default locale) and fills
 * `{placeholders}` with SSML-escaped values, so user or upstream text can never inject SSML.
 */
export class SpeechTexts<K extends string> {
  private readonly byLanguage = new Map<string, Readonly<Record<K, string>>>();

  constructor(
    private readonly catalog: SpeechCatalog<K>,
    private readonly defaultLocale = 'en-US',
  ) {
    if (!catalog[defaultLocale]) throw new Error(`speech texts lack the default locale ${defaultLocale}`);
    for (const locale of Object.keys(catalog)) {
      const language = locale.split('-')[0];
      if (!this.byLanguage.has(language)) this.byLanguage.set(language, catalog[locale]);
    }
  }

  /** The text for `key` in `locale`, as SSML-safe text. */
  get(locale: string | undefined, key: K, params?: Readonly<Record<string, string | number>>): string {
    const texts = this.textsFor(locale);
    const template = texts[key] ?? this.catalog[this.defaultLocale][key];
    if (!params) return template;
    return template.replace(PLACEHOLDER, (whole, name: string) =>
      name in params ? escapeSsml(String(params[name])) : whole,
    );
  }

  /** A copy with some texts replaced (a module overriding built-in texts). */
  withOverrides(overrides: Readonly<Record<string, Partial<Record<K, string>>>>): SpeechTexts<K> {
    const merged: Record<string, Record<K, string>> = {};
    for (const locale of new Set([...Object.keys(this.catalog), ...Object.keys(overrides)])) {
      merged[locale] = {
        ...this.textsFor(locale),
        ...(this.catalog[locale] ?? {}),
        ...(overrides[locale] ?? {}),
      };
    }
    return new SpeechTexts<K>(merged, this.defaultLocale);
  }

  private textsFor(locale: string | undefined): Readonly<Record<K, string>> {
    if (locale) {
      const exact = this.catalog[locale];
      if (exact) return exact;
      const byLanguage = this.byLanguage.get(locale.split('-')[0]);
      if (byLanguage) return byLanguage;
    }
    return this.catalog[this.defaultLocale];
  }
}
