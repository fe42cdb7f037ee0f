import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// The import rules of eslint.config.mjs (the library graph of docs/architecture.md), run on small in-memory
// sources through ESLint's API. ESLint runs in a child process: it loads the ESM config itself. Type-aware rules
// are off for these sources, which exist on no disk and in no TypeScript project.

const ROOT = join(__dirname, '..', '..');

const LINT = `
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
const sources = JSON.parse(process.argv[1]);
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: { files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked },
});
const results = [];
for (const { path, code } of sources) {
  const [result] = await eslint.lintText(code, { filePath: path });
  results.push(result.messages.map((m) => ({ rule: m.ruleId, message: m.message })));
}
process.stdout.write(JSON.stringify(results));
`;

interface LintMessage {
  rule: string | null;
  message: string;
}

/** ESLint's messages for each source, linted as if it were the file at `path`. */
function lint(...sources: { path: string; code: string }[]): LintMessage[][] {
  const output = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', LINT, JSON.stringify(sources)],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  return JSON.parse(output) as LintMessage[][];
}

const importing = (from: string, names = '{ x }') => `import ${names} from '${from}';\nexport const y = x;\n`;
const restricted = (messages: LintMessage[]) =>
  messages.filter((m) => m.rule === 'no-restricted-imports').map((m) => m.message);

describe('the import rules of the library graph', () => {
  let results: LintMessage[][];

  beforeAll(() => {
    results = lint(
      { path: 'libs/alexa-verification/src/guard/wrong-way.ts', code: importing('@lib/alexa-skill') },
      { path: 'libs/alexa-verification/src/guard/right-way.ts', code: importing('@lib/alexa-protocol') },
      { path: 'libs/resilient-http/src/client/alexa.ts', code: importing('@lib/alexa-protocol') },
      { path: 'libs/resilient-http/src/client/sdk.ts', code: importing('ask-sdk-model') },
      { path: 'libs/alexa-protocol/src/kinds/up.ts', code: importing('@lib/metrics') },
      { path: 'apps/skill-service/src/deep.ts', code: importing('@lib/metrics/src/metric-factory') },
      {
        path: 'libs/alexa-verification/src/guard/relative.ts',
        code: importing('../../../alexa-skill/src/index'),
      },
      { path: 'libs/alexa-verification/src/guard/inside.ts', code: importing('../verification-failure') },
    );
  }, 120_000);

  it('refuses verification importing the skill library', () => {
    expect(restricted(results[0])).toEqual([
      expect.stringContaining('libs/alexa-verification may import only @lib/alexa-protocol,'),
    ]);
  });

  it('lets verification import the protocol', () => {
    expect(restricted(results[1])).toEqual([]);
  });

  it('refuses any Alexa in resilient-http: neither the protocol nor the ASK SDK', () => {
    expect(restricted(results[2])).toEqual([expect.stringContaining('libs/resilient-http may import only')]);
    expect(restricted(results[3])).toEqual([expect.stringContaining('libs/resilient-http knows no Alexa.')]);
  });

  it('keeps the protocol at the bottom', () => {
    expect(restricted(results[4])).toEqual([
      expect.stringContaining('libs/alexa-protocol may import only no library of ours'),
    ]);
  });

  it("refuses deep imports into another library's files", () => {
    expect(restricted(results[5])).toEqual([expect.stringContaining('through its public index')]);
  });

  it("refuses relative imports that leave a library's folder, and allows those inside it", () => {
    expect(restricted(results[6])).toEqual([
      expect.stringContaining('must stay inside libs/alexa-verification'),
    ]);
    expect(restricted(results[7])).toEqual([]);
  });
});
