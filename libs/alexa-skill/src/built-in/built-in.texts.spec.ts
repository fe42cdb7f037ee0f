import { BUILT_IN_TEXTS } from './built-in.texts';

// Words of the example domain (music) and of common ones, in the catalog's languages: what a skill can do is
// said by its modules' lines (AlexaSkillModule.forFeature), never by the core.
const DOMAIN_WORDS =
  /music|musik|play|spiel|song|lied|track|titel|artist|künstler|playlist|läuft|weather|wetter|order|bestell/i;

describe('the built-in texts', () => {
  const keys = ['welcome', 'help', 'goodbye', 'fallback', 'reprompt', 'error'] as const;

  it.each(['en-US', 'de-DE'])('name no domain in %s', (locale) => {
    for (const key of keys) expect(BUILT_IN_TEXTS.get(locale, key)).not.toMatch(DOMAIN_WORDS);
  });
});
