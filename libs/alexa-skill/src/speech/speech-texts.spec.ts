import { SpeechTexts } from './speech-texts';

describe('SpeechTexts', () => {
  const texts = new SpeechTexts<'hello'>({
    'en-US': { hello: 'Hello {name}' },
    'de-DE': { hello: 'Hallo {name}' },
  });

  it('picks the exact locale, then the language, then the default', () => {
    expect(texts.get('de-DE', 'hello', { name: 'A' })).toBe('Hallo A');
    expect(texts.get('de-CH', 'hello', { name: 'A' })).toBe('Hallo A');
    expect(texts.get('fr-FR', 'hello', { name: 'A' })).toBe('Hello A');
    expect(texts.get(undefined, 'hello', { name: 'A' })).toBe('Hello A');
  });

  it('escapes placeholder values so they cannot inject SSML', () => {
    expect(texts.get('en-US', 'hello', { name: '<audio src="x"/> & co' })).toBe(
      'Hello &lt;audio src=&quot;x&quot;/&gt; &amp; co',
    );
  });

  it('applies overrides per locale and keeps the rest', () => {
    const overridden = texts.withOverrides({ 'de-DE': { hello: 'Servus {name}' } });
    expect(overridden.get('de-DE', 'hello', { name: 'B' })).toBe('Servus B');
    expect(overridden.get('en-US', 'hello', { name: 'B' })).toBe('Hello B');
  });
});
