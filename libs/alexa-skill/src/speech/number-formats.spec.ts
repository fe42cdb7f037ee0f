import { SpeechNumberFormats } from './number-formats';
import { SpeechTexts } from './speech-texts';

const texts = new SpeechTexts<'price'>({
  'en-US': { price: 'It costs {price}.' },
  'de-DE': { price: 'Es kostet {price}.' },
});
const numbers = new SpeechNumberFormats(texts, {
  price: { style: 'currency', currency: 'EUR' },
  plain: { maximumFractionDigits: 1 },
});

describe('SpeechTexts.resolveLocale', () => {
  it('names the catalog locale a lookup uses: exact, then language, then the default', () => {
    expect(texts.resolveLocale('de-DE')).toBe('de-DE');
    expect(texts.resolveLocale('de-AT')).toBe('de-DE');
    expect(texts.resolveLocale('ja-JP')).toBe('en-US');
    expect(texts.resolveLocale(undefined)).toBe('en-US');
    expect(texts.resolveLocale('constructor')).toBe('en-US');
    expect(texts.resolveLocale('__proto__')).toBe('en-US');
  });
});

describe('SpeechNumberFormats', () => {
  afterEach(() => jest.restoreAllMocks());

  it('formats in the locale the texts speak, so digits and words agree', () => {
    expect(numbers.format('de-DE', 'price', 1234.5)).toBe('1.234,50\u00a0€');
    expect(numbers.format('de-AT', 'plain', 1234.56)).toBe('1.234,6');
    expect(numbers.format('en-US', 'price', 1234.5)).toBe('€1,234.50');
    expect(numbers.format('ja-JP', 'plain', 1234.56)).toBe('1,234.6');
  });

  it('builds one Intl.NumberFormat per catalog locale and format, however many requests use it', () => {
    const fresh = new SpeechNumberFormats(texts, {
      plain: {},
      price: { style: 'currency', currency: 'USD' },
    });
    const constructed = jest.spyOn(Intl, 'NumberFormat');
    for (let i = 0; i < 5; i++) {
      fresh.format('de-DE', 'plain', i);
      fresh.format('de-AT', 'plain', i); // the same catalog locale: the same formatter
      fresh.format('en-GB', 'price', i);
    }
    expect(constructed).toHaveBeenCalledTimes(2);
    expect(constructed.mock.calls).toEqual([
      ['de-DE', {}],
      ['en-US', { style: 'currency', currency: 'USD' }],
    ]);
    expect(fresh.formatter('de-CH', 'plain')).toBe(fresh.formatter('de-DE', 'plain'));
  });
});
