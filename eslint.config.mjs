// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import { readdirSync } from 'node:fs';

/**
 * The library graph of docs/architecture.md, enforced below: each library and the libraries it may import.
 * The Alexa protocol is at the bottom and depends on nothing of ours; request verification knows the protocol
 * and no other Alexa library; the infrastructure libraries know no Alexa at all.
 */
const LIBRARY_DEPENDENCIES = {
  'alexa-protocol': [],
  tracing: [],
  metrics: [],
  'service-runtime': ['metrics', 'tracing'],
  'state-store': ['metrics', 'tracing'],
  'resilient-http': ['metrics', 'tracing', 'service-runtime'],
  'alexa-verification': ['alexa-protocol', 'metrics', 'tracing', 'state-store', 'service-runtime'],
  'alexa-skill': ['alexa-protocol', 'metrics', 'tracing', 'state-store', 'resilient-http'],
  'account-linking': ['alexa-protocol', 'alexa-skill', 'metrics', 'state-store', 'resilient-http'],
  music: ['alexa-protocol', 'alexa-skill', 'account-linking', 'resilient-http', 'service-runtime'],
};
/** Libraries that must not know Alexa: neither our Alexa libraries nor Amazon's SDK. */
const KNOWS_NO_ALEXA = new Set(['tracing', 'metrics', 'service-runtime', 'state-store', 'resilient-http']);

const LIBRARIES = readdirSync(new URL('./libs', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
for (const library of LIBRARIES) {
  if (!(library in LIBRARY_DEPENDENCIES)) {
    throw new Error(`eslint.config.mjs: libs/${library} has no place in LIBRARY_DEPENDENCIES`);
  }
}

/** Everywhere: another library only through its public index. */
const NO_DEEP_IMPORTS = {
  regex: '^@lib/[^/]+/',
  message: 'Import a library through its public index (@lib/<name>), never its files.',
};

/** The import rules of one library's files at one folder depth under src/ (relative paths depend on it). */
function libraryImportRules(library, depth, specs) {
  const allowed = LIBRARY_DEPENDENCIES[library];
  const forbidden = LIBRARIES.filter((other) => !allowed.includes(other));
  const up = (times) => `(\\.\\./){${times}}`;
  const patterns = [
    NO_DEEP_IMPORTS,
    {
      group: forbidden.map((other) => `@lib/${other}`),
      message: `libs/${library} may import only ${allowed.map((a) => `@lib/${a}`).join(', ') || 'no library of ours'} (docs/architecture.md).`,
    },
    {
      // Specs may reach the shared test helpers and tools/ at the repository root, never another library.
      regex: specs ? `^${up(depth + 2)}(?!\\.\\./)|^${up(depth + 3)}libs/` : `^${up(depth + 1)}`,
      message: `A relative import must stay inside libs/${library}/src; another library is @lib/<name>.`,
    },
  ];
  if (KNOWS_NO_ALEXA.has(library)) {
    patterns.push({ group: ['ask-sdk-*'], message: `libs/${library} knows no Alexa.` });
  }
  const files = `libs/${library}/src/${'*/'.repeat(depth)}*.ts`;
  return {
    files: [specs ? files.replace(/\*\.ts$/, '*.spec.ts') : files],
    ...(specs ? {} : { ignores: ['**/*.spec.ts'] }),
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
}

/** Folder depths under a library's src/ that the rules cover; a deeper file stops lint here. */
const MAX_DEPTH = 3;
for (const library of LIBRARIES) {
  const src = new URL(`./libs/${library}/src/`, import.meta.url);
  for (const path of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (path.endsWith('.ts') && path.split('/').length - 1 > MAX_DEPTH) {
      throw new Error(`eslint.config.mjs: libs/${library}/src/${path} is deeper than the import rules reach`);
    }
  }
}
const libraryBoundaries = LIBRARIES.flatMap((library) =>
  Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => [
    libraryImportRules(library, depth, false),
    libraryImportRules(library, depth, true),
  ]).flat(),
);

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', '.tools/**', 'node_modules/**', 'bench/results/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.jest },
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', '*.cjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    files: ['**/*.ts', '**/*.mts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_DEEP_IMPORTS] }] },
  },
  ...libraryBoundaries,
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.cjs', 'jest.config.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
