// Renders the deployable skill package from the package source (apps/skill-service/skill-package) and the
// settings of one deployment: the endpoint, the OAuth client, the locales, the policy URLs, the permissions.
// Pure: reading and writing files is the command's job (tools/skill-package.ts), so tests render in memory.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SMAPI_DEFINITIONS, smapiProblems } from './smapi-schema.ts';

/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call -- the package files are untyped JSON, walked as such */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Json = Record<string, any>;

export const SOURCE_DIR = join(import.meta.dirname, '../../apps/skill-service/skill-package');
/** Where `npm run skill-package` writes, and where ask-resources.json points the ASK CLI. */
export const DEFAULT_OUT_DIR = 'build';
export const PACKAGE_DIR = 'skill-package';
/** The body of `ask smapi update-account-linking-info --account-linking-request file:...`, outside the package. */
export const ACCOUNT_LINKING_FILE = 'account-linking.json';
const MODELS_DIR = 'interactionModels/custom';

/** Amazon sends these only to skills that request permissions, so they are subscribed exactly then. */
export const PERMISSION_EVENTS = ['SKILL_PERMISSION_ACCEPTED', 'SKILL_PERMISSION_CHANGED'] as const;

export interface SourcePackage {
  /** skill.json without endpoints, permissions or policy URLs. */
  manifest: Json;
  /** Interaction model by locale (`en-US` -> interactionModels/custom/en-US.json). */
  models: Map<string, Json>;
  /** accountLinking.json without the client ID and secret. */
  accountLinking: Json;
}

export function readSourcePackage(dir: string = SOURCE_DIR): SourcePackage {
  const read = (path: string): Json => JSON.parse(readFileSync(join(dir, path), 'utf8')) as Json;
  const models = new Map<string, Json>();
  for (const file of readdirSync(join(dir, MODELS_DIR)).sort()) {
    if (file.endsWith('.json')) models.set(file.slice(0, -'.json'.length), read(join(MODELS_DIR, file)));
  }
  return { manifest: read('skill.json'), models, accountLinking: read('accountLinking.json') };
}

const httpsUrl = (what: string) =>
  z.url({ protocol: /^https$/, error: `${what} must be an https:// URL` }).refine((value) => {
    const url = new URL(value);
    return url.search === '' && url.hash === '';
  }, `${what} may have no query or fragment`);
const list = z.array(z.string().min(1)).min(1);

export const skillPackageSettings = z.strictObject({
  /** The skill endpoint Alexa calls: https://<ingress.host><config.alexa.endpointPath>. */
  endpoint: httpsUrl('endpoint'),
  /** The OAuth client ID the provider gave the skill. */
  clientId: z
    .string({ error: 'the OAuth client ID is required (--client-id)' })
    .regex(/^\S+$/, 'clientId must be a non-empty string without spaces'),
  /** The OAuth client secret (from the environment only; goes into account-linking.json, never the package). */
  clientSecret: z.string().min(1).optional(),
  /** Locales to publish; each needs an interaction model. Default: every model of the source. */
  locales: list.optional(),
  privacyPolicyUrl: httpsUrl('privacyPolicyUrl').optional(),
  termsOfUseUrl: httpsUrl('termsOfUseUrl').optional(),
  /** The provider's authorization and token endpoints and scopes; default: the source's. */
  authorizationUrl: httpsUrl('authorizationUrl').optional(),
  accessTokenUrl: httpsUrl('accessTokenUrl').optional(),
  scopes: list.optional(),
  /** Alexa permissions the skill requests (e.g. alexa::profile:given_name:read); default none. */
  permissions: list.optional(),
});
export type SkillPackageSettings = z.infer<typeof skillPackageSettings>;

export class SkillPackageError extends Error {}

export interface RenderedPackage {
  /** Path under the output folder -> JSON document. */
  files: Map<string, Json>;
  /** Things the package lacks that Amazon's certification asks for (not errors). */
  notes: string[];
}

/** `en-US` -> `US`: the skill is distributed where its locales are spoken. */
const countryOf = (locale: string): string => locale.split('-')[1] ?? locale;

export function renderSkillPackage(source: SourcePackage, input: unknown): RenderedPackage {
  const parsed = skillPackageSettings.safeParse(input);
  if (!parsed.success) {
    throw new SkillPackageError(
      parsed.error.issues
        .map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`)
        .join('\n'),
    );
  }
  const settings = parsed.data;
  const locales = settings.locales ?? [...source.models.keys()];
  const unknown = locales.filter((locale) => !source.models.has(locale));
  if (unknown.length > 0) {
    throw new SkillPackageError(
      `locales without an interaction model: ${unknown.join(', ')} (the source has ${[...source.models.keys()].join(', ')})`,
    );
  }

  const manifest = structuredClone(source.manifest.manifest) as Json;
  const endpoint = { uri: settings.endpoint, sslCertificateType: 'Trusted' };
  const pick = (byLocale: Json): Json =>
    Object.fromEntries(locales.map((locale) => [locale, byLocale[locale]]));
  manifest.publishingInformation.locales = pick(manifest.publishingInformation.locales);
  manifest.publishingInformation.distributionCountries = [...new Set(locales.map(countryOf))];
  manifest.apis.custom.endpoint = endpoint;
  const permissions = settings.permissions ?? [];
  if (permissions.length > 0) manifest.permissions = permissions.map((name) => ({ name }));
  const lifecycle = (manifest.events.subscriptions as { eventName: string }[]).filter(
    ({ eventName }) => !(PERMISSION_EVENTS as readonly string[]).includes(eventName),
  );
  manifest.events = {
    ...manifest.events,
    endpoint,
    subscriptions: [
      ...lifecycle,
      ...(permissions.length > 0 ? PERMISSION_EVENTS.map((eventName) => ({ eventName })) : []),
    ],
  };
  const notes: string[] = [];
  if (settings.privacyPolicyUrl || settings.termsOfUseUrl) {
    const urls = { privacyPolicyUrl: settings.privacyPolicyUrl, termsOfUseUrl: settings.termsOfUseUrl };
    manifest.privacyAndCompliance.locales = Object.fromEntries(locales.map((locale) => [locale, urls]));
  }
  if (!settings.privacyPolicyUrl) {
    notes.push('no --privacy-policy-url: certification requires one for a skill with account linking');
  }

  const accountLinking = structuredClone<Json>(source.accountLinking);
  const request = accountLinking.accountLinkingRequest as Json;
  request.clientId = settings.clientId;
  if (settings.clientSecret) request.clientSecret = settings.clientSecret;
  else notes.push('no client secret: Amazon refuses account linking without one (see docs/go-live.md)');
  if (settings.authorizationUrl) request.authorizationUrl = settings.authorizationUrl;
  if (settings.accessTokenUrl) request.accessTokenUrl = settings.accessTokenUrl;
  if (settings.scopes) request.scopes = settings.scopes;

  const files = new Map<string, Json>([[`${PACKAGE_DIR}/skill.json`, { manifest }]]);
  for (const locale of locales)
    files.set(`${PACKAGE_DIR}/${MODELS_DIR}/${locale}.json`, source.models.get(locale)!);
  files.set(ACCOUNT_LINKING_FILE, accountLinking);
  const problems = packageProblems(files);
  if (problems.length > 0) throw new SkillPackageError(problems.join('\n'));
  return { files, notes };
}

/**
 * Everything checkable offline: each file against Amazon's SMAPI definitions (closed world), and the rules
 * between files that no single schema states. Empty when the package is deployable as far as this can tell.
 */
export function packageProblems(files: ReadonlyMap<string, Json>): string[] {
  const problems: string[] = [];
  const manifestFile = `${PACKAGE_DIR}/skill.json`;
  const envelope = files.get(manifestFile);
  if (!envelope) return [`${manifestFile}: missing`];
  const check = (path: string, definition: string, document: unknown): void => {
    for (const problem of smapiProblems(definition, document)) problems.push(`${path} ${problem}`);
  };
  check(manifestFile, SMAPI_DEFINITIONS.manifest, envelope);
  const models = [...files.keys()].filter((path) => path.startsWith(`${PACKAGE_DIR}/${MODELS_DIR}/`));
  for (const path of models) check(path, SMAPI_DEFINITIONS.interactionModel, files.get(path));
  const linking = files.get(ACCOUNT_LINKING_FILE);
  if (linking) check(ACCOUNT_LINKING_FILE, SMAPI_DEFINITIONS.accountLinking, linking);
  else problems.push(`${ACCOUNT_LINKING_FILE}: missing`);

  const manifest = envelope.manifest as Json;
  const modelLocales = models.map((path) => path.slice(path.lastIndexOf('/') + 1, -'.json'.length)).sort();
  const published = Object.keys(manifest.publishingInformation?.locales ?? {}).sort();
  if (published.join() !== modelLocales.join()) {
    problems.push(
      `publishing locales (${published.join(', ')}) differ from the models (${modelLocales.join(', ')})`,
    );
  }
  const privacy = manifest.privacyAndCompliance?.locales as Json | undefined;
  if (privacy && Object.keys(privacy).sort().join() !== published.join()) {
    problems.push(`privacy locales (${Object.keys(privacy).join(', ')}) differ from the publishing locales`);
  }
  for (const [where, endpoint] of [
    ['apis.custom.endpoint', manifest.apis?.custom?.endpoint],
    ['events.endpoint', manifest.events?.endpoint],
  ] as const) {
    if (!endpoint?.uri?.startsWith('https://')) problems.push(`${where}: needs an https:// uri`);
    else if (endpoint.sslCertificateType !== 'Trusted')
      problems.push(`${where}: sslCertificateType must be Trusted`);
  }
  if (manifest.events?.endpoint?.uri !== manifest.apis?.custom?.endpoint?.uri) {
    problems.push('events.endpoint and apis.custom.endpoint must be the same skill endpoint');
  }
  const subscribed = ((manifest.events?.subscriptions ?? []) as { eventName: string }[]).map(
    (s) => s.eventName,
  );
  const permissionEvents = subscribed.filter((name) =>
    (PERMISSION_EVENTS as readonly string[]).includes(name),
  );
  const permissions = (manifest.permissions ?? []) as unknown[];
  if (permissions.length === 0 && permissionEvents.length > 0) {
    problems.push(`events.subscriptions: ${permissionEvents.join(', ')} without any permission requested`);
  }
  if (permissions.length > 0 && permissionEvents.length !== PERMISSION_EVENTS.length) {
    problems.push(
      `events.subscriptions: permissions are requested, so subscribe ${PERMISSION_EVENTS.join(' and ')}`,
    );
  }
  const clientId: unknown = linking?.accountLinkingRequest?.clientId;
  if (typeof clientId !== 'string' || clientId === '' || /REPLACE/i.test(clientId)) {
    problems.push(`${ACCOUNT_LINKING_FILE}: accountLinkingRequest.clientId is not set`);
  }
  return problems;
}
