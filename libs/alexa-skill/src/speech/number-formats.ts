/** What a number format needs from a text catalog: the locale its texts for a request come from. */
export interface LocaleResolver {
  resolveLocale(locale: string | undefined): string;
}

/**
 * A module's number formats by name, applied in the locale its texts speak (`SpeechTexts.resolveLocale`):
 * a de-AT request hears German words and German digits, a ja-JP request on an en-US-only catalog hears English
 * both ways. `Intl.NumberFormat` is costly to construct, so each (catalog locale, name) is built once; both are
 * given by code, so the cache is bounded.
 *
 * ```ts
 * const MUSIC_NUMBERS = new SpeechNumberFormats(MUSIC_TEXTS, { price: { style: 'currency', currency: 'EUR' } });
 * MUSIC_TEXTS.get(locale, 'price', { price: MUSIC_NUMBERS.format(locale, 'price', 9.99) }); // de-DE: 9,99 €
 * ```
 */
export class SpeechNumberFormats<N extends string> {
  private readonly formatters = new Map<string, Map<N, Intl.NumberFormat>>();

  constructor(
    private readonly texts: LocaleResolver,
    private readonly formats: Readonly<Record<N, Intl.NumberFormatOptions>>,
  ) {}

  /** `value` formatted with the format `name` in the locale the texts for `locale` come from. */
  format(locale: string | undefined, name: N, value: number | bigint): string {
    return this.formatter(locale, name).format(value);
  }

  /** The formatter itself, e.g. for `formatToParts`. */
  formatter(locale: string | undefined, name: N): Intl.NumberFormat {
    const resolved = this.texts.resolveLocale(locale);
    let byName = this.formatters.get(resolved);
    if (!byName) {
      byName = new Map();
      this.formatters.set(resolved, byName);
    }
    let formatter = byName.get(name);
    if (!formatter) {
      formatter = new Intl.NumberFormat(resolved, this.formats[name]);
      byName.set(name, formatter);
    }
    return formatter;
  }
}
