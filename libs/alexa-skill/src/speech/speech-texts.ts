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
  /** Language (`de`) -> the first catalog locale of that language (`de-DE`). */
  private readonly byLanguage = new Map<string, string>();

  constructor(
    private readonly catalog: SpeechCatalog<K>,
    private readonly defaultLocale = 'en-US',
  ) {
    if (!catalog[defaultLocale]) throw new Error(`speech texts lack the default locale ${defaultLocale}`);
    for (const locale of Object.keys(catalog)) {
      const language = locale.split('-')[0];
      if (!this.byLanguage.has(language)) this.byLanguage.set(language, locale);
    }
  }

  /**
   * The catalog locale that texts for `locale` come from: exact, then language, then the default. Format
   * numbers in it too (`SpeechNumberFormats`), so that digits and words agree.
   */
  resolveLocale(locale: string | undefined): string {
    if (locale) {
      // Own keys only: a request's locale of `constructor` or `__proto__` must not find Object's members.
      if (Object.hasOwn(this.catalog, locale)) return locale;
      const byLanguage = this.byLanguage.get(locale.split('-')[0]);
      if (byLanguage) return byLanguage;
    }
    return this.defaultLocale;
  }

  /** The text for `key` in `locale`, as SSML-safe text. */
  get(locale: string | undefined, key: K, params?: Readonly<Record<string, string | number>>): string {
    const template = this.textsFor(locale)[key] ?? this.catalog[this.defaultLocale][key];
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
    return this.catalog[this.resolveLocale(locale)];
  }
}
