import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm run new:module` in a copy of the repository: the generated module builds (the generator's docs:config
// builds the app with it), lints with the import rules, passes its own specs, keeps the README configuration
// table and the skill package contract, and is at most 80 lines of source. The copy shares node_modules.

const ROOT = join(__dirname, '..', '..');
const NOT_COPIED = new Set(['node_modules', 'dist', '.git', '.tools', 'coverage', 'build', '.dev-certs']);
const MAX_SOURCE_LINES = 80;

function run(cwd: string, command: string, args: string[]) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('npm run new:module', () => {
  let copy: string;
  const generate = (...args: string[]) => run(copy, process.execPath, ['tools/new-module.ts', ...args]);

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'new-module-'));
    cpSync(ROOT, copy, { recursive: true, filter: (source) => !NOT_COPIED.has(source.split('/').at(-1)!) });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('refuses a malformed name, provider or prefix, and an existing library, writing nothing', () => {
    const refusals = [
      generate('Weather', '--provider', 'weather', '--env-prefix', 'WEATHER_API'),
      generate('weather', '--provider', 'Weather API', '--env-prefix', 'WEATHER_API'),
      generate('weather', '--provider', 'weather', '--env-prefix', 'weather-api'),
      generate('music', '--provider', 'music2', '--env-prefix', 'MUSIC2_API'),
      generate('weather', '--provider', 'weather', '--env-prefix', 'MUSIC_API'),
      generate('weather', '--provider', 'weather'),
    ];
    expect(refusals.map((r) => r.status)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(refusals[3].output).toContain('libs/music exists already');
    expect(refusals[4].output).toContain('MUSIC_API_* variables exist already');
    expect(readdirSync(join(copy, 'libs'))).not.toContain('weather');
  });

  it('generates a module that builds, lints, passes its tests and keeps the repository checks green', () => {
    const libsBefore = readdirSync(join(copy, 'libs'));
    const generated = generate('weather-report', '--provider', 'weather', '--env-prefix', 'WEATHER_API');
    expect(generated).toEqual({
      status: 0,
      output: expect.stringContaining('libs/weather-report/src/index.ts'),
    });
    expect(readdirSync(join(copy, 'libs')).sort()).toEqual([...libsBefore, 'weather-report'].sort());
    // docs:config built the app with the module and wrote its variables into the configuration table.
    expect(readFileSync(join(copy, 'README.md'), 'utf8')).toContain('| `WEATHER_API_BASE_URL` |');

    const sources = readdirSync(join(copy, 'libs/weather-report/src'), { recursive: true, encoding: 'utf8' });
    const lines = sources
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
      .map(
        (file) => readFileSync(join(copy, 'libs/weather-report/src', file), 'utf8').split('\n').length - 1,
      );
    expect(lines.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(MAX_SOURCE_LINES);

    const eslint = run(copy, process.execPath, [
      'node_modules/eslint/bin/eslint.js',
      '--max-warnings=0',
      'libs/weather-report',
      'test/weather-report',
      'apps',
      'eslint.config.mjs',
    ]);
    expect(eslint).toEqual({ status: 0, output: expect.any(String) });
    const prettier = run(copy, process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--check', '.']);
    expect(prettier).toEqual({ status: 0, output: expect.any(String) });

    const jest = run(copy, process.execPath, [
      '--experimental-vm-modules',
      'node_modules/jest/bin/jest.js',
      '--selectProjects',
      'unit',
      'e2e',
      '--runInBand',
      '--',
      'libs/weather-report',
      'test/weather-report',
      'test/music/skill-package.e2e-spec.ts',
      'apps/skill-service/src/config',
    ]);
    expect(jest).toEqual({ status: 0, output: expect.stringMatching(/Tests:\s+\d+ passed, \d+ total/) });
    expect(jest.output).toContain('PASS unit libs/weather-report/src/weather-report-api.client.spec.ts');
    expect(jest.output).toContain('PASS e2e test/weather-report/weather-report.e2e-spec.ts');
    expect(jest.output).toContain('PASS e2e test/music/skill-package.e2e-spec.ts');
    expect(jest.output).toContain('PASS unit apps/skill-service/src/config/env.schema.spec.ts');
  }, 300_000);
});
