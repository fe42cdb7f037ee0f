import { ConfigService } from '@nestjs/config';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
// Test-only: the registry is internal to the skill library, so it is imported by path.
import { SkillHandlerRegistry } from '../../libs/alexa-skill/src/handlers/skill-handler.registry';
import {
  ACCOUNT_LINKING_FILE,
  DEFAULT_OUT_DIR,
  PACKAGE_DIR,
  packageProblems,
  PERMISSION_EVENTS,
  readSourcePackage,
  renderSkillPackage,
} from '../../tools/skill-package/render.ts';
import { REPO_ROOT, runTool, shellEnv } from '../local-tools/run-tool';
import { createTestApp, type TestApp } from '../support/test-app';

// The skill package (ASK CLI layout) is rendered from apps/skill-service/skill-package and one deployment's
// settings (npm run skill-package). Rendering checks every file against Amazon's SMAPI definitions; this suite
// holds the rendered package to the running app (Alexa only sends intents a model declares, and an intent without
// a handler would get the fallback answer) and to the ASK CLI's project file, ask-resources.json.

const source = readSourcePackage();
const SETTINGS = {
  endpoint: 'https://alexa.example.com/alexa',
  clientId: 'client-123',
  clientSecret: 'secret-456',
  privacyPolicyUrl: 'https://example.com/privacy',
};
const rendered = renderSkillPackage(source, SETTINGS);
const manifest = rendered.files.get(`${PACKAGE_DIR}/skill.json`)!.manifest;

interface ModelIntent {
  name: string;
  slots?: { name: string; type: string }[];
  samples?: string[];
}
const models = [...rendered.files]
  .filter(([path]) => path.includes('/interactionModels/custom/'))
  .map(([path, model]) => ({
    locale: path.slice(path.lastIndexOf('/') + 1, -'.json'.length),
    intents: model.interactionModel.languageModel.intents as ModelIntent[],
  }));

/** `SKILL_ACCOUNT_LINKED` -> `AlexaSkillEvent.SkillAccountLinked` (the request type Alexa sends). */
const requestTypeOf = (eventName: string): string =>
  'AlexaSkillEvent.' +
  eventName
    .toLowerCase()
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
const subscribed = (m: typeof manifest): string[] =>
  (m.events.subscriptions as { eventName: string }[]).map((s) => s.eventName).sort();

describe('the rendered skill package and the handlers the app registered', () => {
  let t: TestApp;
  let registry: SkillHandlerRegistry;

  beforeAll(async () => {
    // The app as deployed: no test modules, so every registered handler is a real one.
    t = await createTestApp();
    registry = t.app.get(SkillHandlerRegistry);
  });
  afterAll(() => t.close());

  it('ships an en-US and a de-DE interaction model and publishes exactly those locales', () => {
    expect(models.map((m) => m.locale).sort()).toEqual(['de-DE', 'en-US']);
    expect(Object.keys(manifest.publishingInformation.locales).sort()).toEqual(['de-DE', 'en-US']);
    expect(manifest.publishingInformation.distributionCountries.sort()).toEqual(['DE', 'US']);
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

  it('points the custom and the events endpoint at the endpoint setting over HTTPS with a trusted certificate', () => {
    const path = t.app.get(ConfigService).get<string>('ALEXA_ENDPOINT_PATH');
    expect(new URL(SETTINGS.endpoint).pathname).toBe(path);
    for (const endpoint of [manifest.apis.custom.endpoint, manifest.events.endpoint]) {
      expect(endpoint).toEqual({ uri: SETTINGS.endpoint, sslCertificateType: 'Trusted' });
    }
  });

  it('subscribes to the lifecycle and linking events only, each with a registered handler, when no permission is requested', () => {
    expect(manifest.permissions).toBeUndefined();
    expect(subscribed(manifest)).toEqual(['SKILL_ACCOUNT_LINKED', 'SKILL_DISABLED', 'SKILL_ENABLED']);
    const handled = new Set(registry.byEvent.keys());
    expect(
      subscribed(manifest)
        .map(requestTypeOf)
        .filter((type) => !handled.has(type)),
    ).toEqual([]);
  });

  it('subscribes to the permission events, each with a registered handler, exactly when permissions are requested', () => {
    const withPermissions = renderSkillPackage(source, {
      ...SETTINGS,
      permissions: ['alexa::profile:given_name:read'],
    }).files.get(`${PACKAGE_DIR}/skill.json`)!.manifest;
    expect(withPermissions.permissions).toEqual([{ name: 'alexa::profile:given_name:read' }]);
    expect(subscribed(withPermissions)).toEqual(
      ['SKILL_ACCOUNT_LINKED', 'SKILL_DISABLED', 'SKILL_ENABLED', ...PERMISSION_EVENTS].sort(),
    );
    expect(subscribed(withPermissions).map(requestTypeOf).sort()).toEqual(
      [...registry.byEvent.keys()].sort(),
    );
  });
});

describe('rendering from settings', () => {
  it('fills the account-linking request with the client and keeps the provider endpoints of the source', () => {
    const request = rendered.files.get(ACCOUNT_LINKING_FILE)!.accountLinkingRequest;
    expect(request).toEqual({
      ...source.accountLinking.accountLinkingRequest,
      clientId: 'client-123',
      clientSecret: 'secret-456',
    });
    expect(request.type).toBe('AUTH_CODE');
  });

  it('publishes only the locales asked for, with their models and policy URLs', () => {
    const german = renderSkillPackage(source, { ...SETTINGS, locales: ['de-DE'] });
    expect([...german.files.keys()].sort()).toEqual([
      ACCOUNT_LINKING_FILE,
      `${PACKAGE_DIR}/interactionModels/custom/de-DE.json`,
      `${PACKAGE_DIR}/skill.json`,
    ]);
    const m = german.files.get(`${PACKAGE_DIR}/skill.json`)!.manifest;
    expect(Object.keys(m.publishingInformation.locales)).toEqual(['de-DE']);
    expect(m.publishingInformation.distributionCountries).toEqual(['DE']);
    expect(m.privacyAndCompliance.locales).toEqual({
      'de-DE': { privacyPolicyUrl: SETTINGS.privacyPolicyUrl },
    });
  });

  it.each([
    [{ endpoint: 'http://alexa.example.com/alexa' }, 'endpoint: endpoint must be an https:// URL'],
    [{ endpoint: 'https://alexa.example.com/alexa?x=1' }, 'endpoint: endpoint may have no query or fragment'],
    [{ clientId: '' }, 'clientId: clientId must be a non-empty string without spaces'],
    [{ locales: ['fr-FR'] }, 'locales without an interaction model: fr-FR (the source has de-DE, en-US)'],
    [{ permissions: ['alexa::everything'] }, '"alexa::everything" is not a value the SMAPI spec allows'],
    [{ endpont: 'https://x.example.com/alexa' }, 'Unrecognized key: "endpont"'],
  ])('refuses %j', (change, message) => {
    expect(() => renderSkillPackage(source, { ...SETTINGS, ...change })).toThrow(message);
  });
});

describe('the package check (Amazon SMAPI definitions and the rules between files)', () => {
  const changed = (edit: (files: Map<string, any>) => void): string[] => {
    const files = new Map([...rendered.files].map(([path, doc]) => [path, structuredClone(doc)]));
    edit(files);
    return packageProblems(files);
  };
  const manifestOf = (files: Map<string, any>) => files.get(`${PACKAGE_DIR}/skill.json`).manifest;

  it('passes the rendered package', () => {
    expect(packageProblems(rendered.files)).toEqual([]);
  });

  it('names a key that Amazon does not define (closed world)', () => {
    expect(changed((files) => (manifestOf(files).apis.custom.endpiont = {}))).toEqual([
      'skill-package/skill.json /manifest/apis/custom: unknown key "endpiont"',
    ]);
  });

  it('names a subscribed event Amazon does not know', () => {
    const problems = changed((files) =>
      manifestOf(files).events.subscriptions.push({ eventName: 'SKILL_LINKED' }),
    );
    expect(problems).toEqual([
      'skill-package/skill.json /manifest/events/subscriptions/3/eventName: "SKILL_LINKED" is not a value the SMAPI spec allows',
    ]);
  });

  it('refuses permission events without a permission', () => {
    const problems = changed((files) =>
      manifestOf(files).events.subscriptions.push({ eventName: 'SKILL_PERMISSION_ACCEPTED' }),
    );
    expect(problems).toEqual([
      'events.subscriptions: SKILL_PERMISSION_ACCEPTED without any permission requested',
    ]);
  });

  it('refuses a published locale without a model', () => {
    const problems = changed((files) => files.delete(`${PACKAGE_DIR}/interactionModels/custom/de-DE.json`));
    expect(problems).toContain('publishing locales (de-DE, en-US) differ from the models (en-US)');
  });

  it("refuses an interaction model that is not one by Amazon's definition", () => {
    const problems = changed((files) => {
      files.get(
        `${PACKAGE_DIR}/interactionModels/custom/en-US.json`,
      ).interactionModel.languageModel.intents[0].sample = [];
    });
    expect(problems).toEqual([
      'skill-package/interactionModels/custom/en-US.json /interactionModel/languageModel/intents/0: unknown key "sample"',
    ]);
  });

  it('refuses an account-linking request without a client ID', () => {
    const problems = changed(
      (files) => delete files.get(ACCOUNT_LINKING_FILE).accountLinkingRequest.clientId,
    );
    expect(problems).toEqual(['account-linking.json: accountLinkingRequest.clientId is not set']);
  });
});

describe('ask-resources.json (the ASK CLI project file)', () => {
  // The ASK CLI ships no schema for it: its structure as the CLI reads it (model/resources-config/ask-resources.js
  // of ask-cli 2.x: askcliResourcesVersion, profiles.<name>.skillMetadata.src; no code or infrastructure for a
  // skill hosted on its own HTTPS endpoint).
  const profile = z.strictObject({ skillMetadata: z.strictObject({ src: z.string() }) });
  const askResources = z.strictObject({
    askcliResourcesVersion: z.literal('2020-03-31'),
    profiles: z.strictObject({ default: profile, __ENVIRONMENT_ASK_PROFILE__: profile }),
  });

  it('has the structure the ASK CLI reads, for the default profile and for credentials in the environment', async () => {
    const file = JSON.parse(await readFile(join(REPO_ROOT, 'ask-resources.json'), 'utf8'));
    expect(askResources.safeParse(file).error?.issues ?? []).toEqual([]);
  });

  it('points every profile at the folder npm run skill-package writes the package to', async () => {
    const file = JSON.parse(await readFile(join(REPO_ROOT, 'ask-resources.json'), 'utf8'));
    for (const { skillMetadata } of Object.values<{ skillMetadata: { src: string } }>(file.profiles)) {
      expect(join(skillMetadata.src)).toBe(join(DEFAULT_OUT_DIR, PACKAGE_DIR));
    }
  });
});

describe('npm run skill-package', () => {
  let out: string;

  beforeEach(async () => (out = await mkdtemp(join(tmpdir(), 'skill-package-'))));
  afterEach(() => rm(out, { recursive: true, force: true }));

  it('writes the package and the account-linking request, the secret from the environment into a 0600 file', async () => {
    const run = await runTool(
      'npm',
      [
        'run',
        '-s',
        'skill-package',
        '--',
        '--endpoint',
        SETTINGS.endpoint,
        '--client-id',
        'client-123',
        '--privacy-policy-url',
        SETTINGS.privacyPolicyUrl,
        '--out',
        out,
      ],
      shellEnv({ SKILL_OAUTH_CLIENT_SECRET: 'secret-456' }),
    );
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toBe(
      `skill package: ${out}/skill-package/ (checked against Amazon's SMAPI definitions)\n` +
        `account linking: ${out}/account-linking.json (mode 0600)\n`,
    );
    for (const [path, document] of rendered.files) {
      expect(JSON.parse(await readFile(join(out, path), 'utf8'))).toEqual(document);
    }
    expect((await stat(join(out, ACCOUNT_LINKING_FILE))).mode & 0o777).toBe(0o600);
  });

  it('reads the settings from a file, flags winning, and says what certification will miss', async () => {
    const settings = join(out, 'settings.json');
    await writeFile(
      settings,
      JSON.stringify({ endpoint: 'https://old.example.com/alexa', clientId: 'c', locales: ['en-US'] }),
    );
    const run = await runTool(
      'npm',
      [
        'run',
        '-s',
        'skill-package',
        '--',
        '--settings',
        settings,
        '--endpoint',
        SETTINGS.endpoint,
        '--out',
        out,
      ],
      shellEnv({ SKILL_OAUTH_CLIENT_SECRET: '' }),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'note: no --privacy-policy-url: certification requires one for a skill with account linking',
    );
    expect(run.stdout).toContain('note: no client secret: Amazon refuses account linking without one');
    const written = JSON.parse(await readFile(join(out, PACKAGE_DIR, 'skill.json'), 'utf8')).manifest;
    expect(written.apis.custom.endpoint.uri).toBe(SETTINGS.endpoint);
    expect(Object.keys(written.publishingInformation.locales)).toEqual(['en-US']);
  });

  it('writes nothing and exits 2 with the reason when a setting is wrong', async () => {
    const run = await runTool('npm', [
      'run',
      '-s',
      'skill-package',
      '--',
      '--endpoint',
      'https://x.example.com/alexa',
      '--out',
      out,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(
      'skill-package: clientId: the OAuth client ID is required (--client-id)',
    );
    await expect(stat(join(out, PACKAGE_DIR))).rejects.toThrow('ENOENT');
  });
});
