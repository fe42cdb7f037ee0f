import { ConfigService } from '@nestjs/config';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// Test-only: the registry is internal to the skill library, so it is imported by path.
import { SkillHandlerRegistry } from '../../libs/alexa-skill/src/handlers/skill-handler.registry';
import { createTestApp, type TestApp } from '../support/test-app';

// The skill package (ASK CLI layout) and the running app must agree: Alexa only sends intents a model
// declares, and an intent without a handler would get the fallback answer.

const PACKAGE_DIR = join(__dirname, '../../apps/skill-service/skill-package');
const MODELS_DIR = join(PACKAGE_DIR, 'interactionModels/custom');

interface ModelIntent {
  name: string;
  slots?: { name: string; type: string }[];
  samples?: string[];
}

const readJson = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));
const modelFiles = readdirSync(MODELS_DIR).filter((file) => file.endsWith('.json'));
const models = modelFiles.map((file) => ({
  locale: file.replace(/\.json$/, ''),
  intents: readJson(join(MODELS_DIR, file)).interactionModel.languageModel.intents as ModelIntent[],
}));
const manifest = readJson(join(PACKAGE_DIR, 'skill.json')).manifest;

/** `SKILL_ACCOUNT_LINKED` -> `AlexaSkillEvent.SkillAccountLinked` (the request type Alexa sends). */
const requestTypeOf = (eventName: string): string =>
  'AlexaSkillEvent.' +
  eventName
    .toLowerCase()
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');

describe('the skill package and the handlers the app registered', () => {
  let t: TestApp;
  let registry: SkillHandlerRegistry;

  beforeAll(async () => {
    // The app as deployed: no test modules, so every registered handler is a real one.
    t = await createTestApp();
    registry = t.app.get(SkillHandlerRegistry);
  });
  afterAll(() => t.close());

  it('ships an en-US and a de-DE interaction model', () => {
    expect(modelFiles.sort()).toEqual(['de-DE.json', 'en-US.json']);
  });

  it.each(models)('has a handler for every intent of the $locale model', ({ intents }) => {
    const registered = new Set(registry.byIntent.keys());
    expect(intents.map((intent) => intent.name).filter((name) => !registered.has(name))).toEqual([]);
  });

  it('declares every intent a handler is registered for in some model', () => {
    const declared = new Set(models.flatMap((model) => model.intents.map((intent) => intent.name)));
    expect(registry.byIntent.size).toBeGreaterThan(0);
    expect([...registry.byIntent.keys()].filter((name) => !declared.has(name))).toEqual([]);
  });

  it.each(models)('declares PlayMusicIntent with the query slot in the $locale model', ({ intents }) => {
    const play = intents.find((intent) => intent.name === 'PlayMusicIntent');
    expect(play?.slots).toContainEqual({ name: 'query', type: 'AMAZON.SearchQuery' });
    // AMAZON.SearchQuery needs a carrier phrase: a sample may not be the slot alone.
    expect(play?.samples?.filter((sample) => sample.trim() === '{query}')).toEqual([]);
  });

  it.each(models)('uses only declared slots in the samples of the $locale model', ({ intents }) => {
    const undeclared = intents.flatMap((intent) => {
      const slots = new Set((intent.slots ?? []).map((slot) => slot.name));
      return (intent.samples ?? [])
        .flatMap((sample) => [...sample.matchAll(/\{(\w+)\}/g)].map((match) => match[1]))
        .filter((slot) => !slots.has(slot))
        .map((slot) => `${intent.name}: {${slot}}`);
    });
    expect(undeclared).toEqual([]);
  });

  it('publishes exactly the locales it has models for', () => {
    expect(Object.keys(manifest.publishingInformation.locales).sort()).toEqual(
      models.map((model) => model.locale).sort(),
    );
  });

  it("points the custom endpoint and the events endpoint at the app's skill route over HTTPS", () => {
    const path = t.app.get(ConfigService).get<string>('ALEXA_ENDPOINT_PATH');
    for (const endpoint of [manifest.apis.custom.endpoint, manifest.events.endpoint]) {
      const url = new URL(endpoint.uri);
      expect(url.protocol).toBe('https:');
      expect(url.pathname).toBe(path);
      expect(endpoint.sslCertificateType).toBe('Trusted');
    }
  });

  it('subscribes to the five skill events, each with a registered handler', () => {
    const subscribed = (manifest.events.subscriptions as { eventName: string }[]).map((s) => s.eventName);
    expect(subscribed.sort()).toEqual(
      [
        'SKILL_ACCOUNT_LINKED',
        'SKILL_DISABLED',
        'SKILL_ENABLED',
        'SKILL_PERMISSION_ACCEPTED',
        'SKILL_PERMISSION_CHANGED',
      ].sort(),
    );
    expect(subscribed.map(requestTypeOf).sort()).toEqual([...registry.byEvent.keys()].sort());
  });
});
