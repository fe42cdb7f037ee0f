// Renders the deployable skill package (for `ask deploy`) and the account-linking request (for
// `ask smapi update-account-linking-info`) from the package source and one deployment's settings:
//
//   npm run skill-package -- --endpoint https://alexa.example.com/alexa --client-id ID \
//     [--locales en-US,de-DE] [--privacy-policy-url URL] [--terms-of-use-url URL] [--permissions P,...] \
//     [--authorization-url URL] [--access-token-url URL] [--scopes S,...] [--settings FILE.json] [--out build]
//
// The OAuth client secret is read from the environment variable SKILL_OAUTH_CLIENT_SECRET (never a flag: flags
// end up in shell history and `ps`). --settings reads the same settings from a JSON file (keys as the flags in
// camelCase: endpoint, clientId, locales, ...); flags win. Writes <out>/skill-package/ (replaced as a whole) and
// <out>/account-linking.json (mode 0600: it holds the secret). Checks both against Amazon's SMAPI definitions
// (tools/skill-package/smapi-schema.ts) before writing anything. docs/go-live.md walks through it.
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ACCOUNT_LINKING_FILE,
  DEFAULT_OUT_DIR,
  PACKAGE_DIR,
  readSourcePackage,
  renderSkillPackage,
  SkillPackageError,
} from './skill-package/render.ts';

export const CLIENT_SECRET_VARIABLE = 'SKILL_OAUTH_CLIENT_SECRET';

const USAGE = `usage: npm run skill-package -- --endpoint https://HOST/alexa --client-id ID [--locales en-US,de-DE]
       [--privacy-policy-url URL] [--terms-of-use-url URL] [--permissions P,...] [--authorization-url URL]
       [--access-token-url URL] [--scopes S,...] [--settings FILE.json] [--out ${DEFAULT_OUT_DIR}]
       (client secret from the environment: ${CLIENT_SECRET_VARIABLE})`;

const splitList = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      'client-id': { type: 'string' },
      locales: { type: 'string' },
      'privacy-policy-url': { type: 'string' },
      'terms-of-use-url': { type: 'string' },
      permissions: { type: 'string' },
      'authorization-url': { type: 'string' },
      'access-token-url': { type: 'string' },
      scopes: { type: 'string' },
      settings: { type: 'string' },
      out: { type: 'string', default: DEFAULT_OUT_DIR },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new SkillPackageError(`unexpected argument "${positionals[0]}"`);

  const fromFile = values.settings
    ? (JSON.parse(readFileSync(values.settings, 'utf8')) as Record<string, unknown>)
    : {};
  const fromFlags = {
    endpoint: values.endpoint,
    clientId: values['client-id'],
    locales: splitList(values.locales),
    privacyPolicyUrl: values['privacy-policy-url'],
    termsOfUseUrl: values['terms-of-use-url'],
    permissions: splitList(values.permissions),
    authorizationUrl: values['authorization-url'],
    accessTokenUrl: values['access-token-url'],
    scopes: splitList(values.scopes),
    clientSecret: process.env[CLIENT_SECRET_VARIABLE] || undefined,
  };
  const settings = {
    ...fromFile,
    ...Object.fromEntries(Object.entries(fromFlags).filter(([, v]) => v !== undefined)),
  };
  if ('clientSecret' in fromFile) {
    throw new SkillPackageError(
      `the settings file may not hold the client secret: set ${CLIENT_SECRET_VARIABLE}`,
    );
  }

  const rendered = renderSkillPackage(readSourcePackage(), settings);
  rmSync(join(values.out, PACKAGE_DIR), { recursive: true, force: true });
  for (const [path, document] of rendered.files) {
    const file = join(values.out, path);
    mkdirSync(dirname(file), { recursive: true });
    const secret = path === ACCOUNT_LINKING_FILE;
    writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`, { mode: secret ? 0o600 : 0o644 });
    if (secret) chmodSync(file, 0o600); // an existing file keeps its mode on write
  }
  const lines = [
    `skill package: ${join(values.out, PACKAGE_DIR)}/ (checked against Amazon's SMAPI definitions)`,
    `account linking: ${join(values.out, ACCOUNT_LINKING_FILE)} (mode 0600)`,
    ...rendered.notes.map((note) => `note: ${note}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  const usage =
    error instanceof SkillPackageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`skill-package: ${(error as Error).message}\n${usage ? `${USAGE}\n` : ''}`);
  process.exitCode = usage ? 2 : 1;
}
