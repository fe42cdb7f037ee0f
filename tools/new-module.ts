// Generates a feature module that builds, lints and passes its tests as generated, then is filled in:
//
//   npm run new:module -- <name> --provider <provider> --env-prefix <PREFIX> [--skip-docs]
//
// Writes libs/<name>/src (client, handler, texts, module, index, unit spec) and test/<name>/<name>.e2e-spec.ts;
// registers the library (tsconfig path, nest-cli project, the lint table LIBRARY_DEPENDENCIES), lists the module
// in FEATURE_MODULES, adds its intent to every interaction model of the skill package, and writes the README
// configuration table (npm run docs:config, which builds; --skip-docs leaves that to you). It changes nothing in
// libs/ outside the new folder, and refuses a name or prefix that exists or is malformed before writing anything.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';
import { e2eSpec, interactionModelStub, librarySources, type ModuleNames } from './new-module/templates.ts';

/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- the edited JSON files are untyped, walked as such */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Json = Record<string, any>;

const USAGE = 'usage: npm run new:module -- <name> --provider <provider> --env-prefix <PREFIX> [--skip-docs]';
const ROOT = join(import.meta.dirname, '..');
const MODELS_DIR = 'apps/skill-service/skill-package/interactionModels/custom';
const FEATURE_MODULES_FILE = 'apps/skill-service/src/feature-modules.ts';
/** The libraries a generated module imports (docs/architecture.md); lint holds it to them. */
const DEPENDENCIES = ['alexa-protocol', 'alexa-skill', 'account-linking', 'resilient-http'];

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const PROVIDER = /^[a-z][a-z0-9]*([-_][a-z0-9]+)*$/;
const PREFIX = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

export class GeneratorError extends Error {}

const OPTIONS = {
  provider: { type: 'string' },
  'env-prefix': { type: 'string' },
  'skip-docs': { type: 'boolean' },
} as const;

function parsed(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true });
  } catch (error) {
    throw new GeneratorError(`${(error as Error).message}\n${USAGE}`);
  }
}

/** The names a module is generated with, or a GeneratorError saying what is wrong. */
export function moduleNames(args: readonly string[], root = ROOT): ModuleNames {
  const { values, positionals } = parsed(args);
  const [name, ...extra] = positionals;
  const { provider, 'env-prefix': envPrefix } = values;
  if (!name || extra.length > 0 || !provider || !envPrefix) throw new GeneratorError(USAGE);
  if (!NAME.test(name))
    throw new GeneratorError(`name "${name}": lowercase words joined by "-" (e.g. smart-home)`);
  if (!PROVIDER.test(provider))
    throw new GeneratorError(`provider "${provider}": lowercase, e.g. smart-home`);
  if (!PREFIX.test(envPrefix)) throw new GeneratorError(`env prefix "${envPrefix}": e.g. SMART_HOME_API`);
  for (const taken of [`libs/${name}`, `test/${name}`]) {
    if (existsSync(join(root, taken))) throw new GeneratorError(`${taken} exists already`);
  }
  const words = name.split('-');
  const pascal = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  if (read(root, 'tsconfig.json').includes(`"@lib/${name}"`))
    throw new GeneratorError(`@lib/${name} exists already`);
  // The README's configuration table lists every variable of the app and its modules (generated, checked).
  if (read(root, 'README.md').includes(`| \`${envPrefix}_`)) {
    throw new GeneratorError(`${envPrefix}_* variables exist already (README configuration table)`);
  }
  return {
    name,
    pascal,
    constant: words.join('_').toUpperCase(),
    provider,
    envPrefix,
    words: words.join(' '),
  };
}

const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8');

async function write(root: string, path: string, text: string): Promise<void> {
  const file = join(root, path);
  mkdirSync(join(file, '..'), { recursive: true });
  const options = await prettier.resolveConfig(file);
  writeFileSync(file, await prettier.format(text, { ...options, filepath: file }));
}

/** `edit` on a JSON file, written back in the repository's format. */
async function editJson(root: string, path: string, edit: (json: Json) => void): Promise<void> {
  const json = JSON.parse(read(root, path)) as Json;
  edit(json);
  await write(root, path, JSON.stringify(json, null, 2));
}

/** Writes the module and registers it; returns the paths written, relative to `root`. */
export async function generateModule(n: ModuleNames, root = ROOT): Promise<string[]> {
  const written: string[] = [];
  const put = async (path: string, text: string) => (await write(root, path, text), written.push(path));
  for (const [file, text] of Object.entries(librarySources(n))) await put(`libs/${n.name}/src/${file}`, text);
  await put(`test/${n.name}/${n.name}.e2e-spec.ts`, e2eSpec(n));

  await editJson(root, 'tsconfig.json', (json) => {
    json.compilerOptions.paths[`@lib/${n.name}`] = [`./libs/${n.name}/src`];
  });
  await editJson(root, 'nest-cli.json', (json) => {
    const sourceRoot = `libs/${n.name}/src`;
    json.projects[n.name] = { type: 'library', root: `libs/${n.name}`, entryFile: 'index', sourceRoot };
  });
  written.push('tsconfig.json', 'nest-cli.json');

  const lint = read(root, 'eslint.config.mjs');
  const table = /const LIBRARY_DEPENDENCIES = \{\n[\s\S]*?\n(?=\};)/.exec(lint);
  if (!table) throw new GeneratorError('eslint.config.mjs: LIBRARY_DEPENDENCIES not found');
  const entry = `  '${n.name}': [${DEPENDENCIES.map((d) => `'${d}'`).join(', ')}],\n`;
  await put('eslint.config.mjs', lint.replace(table[0], table[0] + entry));

  const features = read(root, FEATURE_MODULES_FILE);
  const list = /(FEATURE_MODULES: readonly FeatureModule<unknown>\[\] = \[)([^\]]*)\]/.exec(features);
  if (!list) throw new GeneratorError(`${FEATURE_MODULES_FILE}: FEATURE_MODULES not found`);
  const listed = features.replace(list[0], `${list[1]}${list[2].trim()}, ${n.pascal}Module]`);
  await put(FEATURE_MODULES_FILE, `import { ${n.pascal}Module } from '@lib/${n.name}';\n${listed}`);

  for (const file of readdirSync(join(root, MODELS_DIR)).filter((f) => f.endsWith('.json'))) {
    const stub = interactionModelStub(n, file.slice(0, -'.json'.length));
    await editJson(root, `${MODELS_DIR}/${file}`, (json) => {
      json.interactionModel.languageModel.intents.push(stub.intent);
      (json.interactionModel.languageModel.types ??= []).push(stub.type);
    });
    written.push(`${MODELS_DIR}/${file}`);
  }
  return written;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const names = moduleNames(args);
  const written = await generateModule(names);
  if (!args.includes('--skip-docs')) {
    const docs = spawnSync('npm', ['run', '--silent', 'docs:config'], { cwd: ROOT, stdio: 'inherit' });
    if (docs.status !== 0) throw new GeneratorError('npm run docs:config failed (see above)');
    written.push('README.md');
  }
  console.log(written.map((path) => `  ${relative(ROOT, join(ROOT, path))}`).join('\n'));
  console.log(`Next: fill in libs/${names.name} (docs/music.md, "Generate, then fill in"), then npm test.`);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(`new:module: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof GeneratorError ? 2 : 1);
  });
}
