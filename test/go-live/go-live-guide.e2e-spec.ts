import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_OUT_DIR, PACKAGE_DIR } from '../../tools/skill-package/render.ts';
import { commandLines, shellWords } from '../../tools/doc-commands.ts';
import { REPO_ROOT, runTool, shellEnv } from '../local-tools/run-tool';

// docs/go-live.md as far as it can run without an Amazon account: every ASK CLI command it gives exists in the ASK
// CLI the project pins (npm run ask) with every option it passes, the ASK CLI's own model reads ask-resources.json, the
// skill-package command renders with the guide's settings, and the README's simulator commands are commands the
// simulator takes. What needs Amazon (deploy, SMAPI calls) is not run.

const GUIDE = join(REPO_ROOT, 'docs/go-live.md');
const EXAMPLE_ENV = {
  HOST: 'alexa.example.com',
  SKILL_ID: 'amzn1.ask.skill.11111111-2222-4333-8444-555555555555',
  OAUTH_CLIENT_ID: '0123456789abcdef0123456789abcdef',
  PRIVACY_URL: 'https://example.com/privacy',
  ACME_EMAIL: 'ops@example.com',
};

async function guideCommands(prefix: string, file = GUIDE): Promise<string[][]> {
  return commandLines(await readFile(file, 'utf8'))
    .filter((line) => line.startsWith(prefix))
    .map((line) => shellWords(line, EXAMPLE_ENV).slice(prefix.split(' ').length));
}

const ask = (...args: string[]) =>
  runTool('bash', ['tools/ask.sh', ...args], shellEnv({ ASK_SHARE_USAGE: 'false' }));

describe('docs/go-live.md without Amazon', () => {
  beforeAll(async () => {
    // ask-cli is a devDependency (npm ci installed it): it must start.
    const version = await ask('--version');
    expect([version.code, version.stdout.trim()]).toEqual([0, '2.30.7']);
  });

  // One ASK CLI start per command the guide gives (about ten, each a second or more of CPU): on a machine whose
  // cores are busy that is more than Jest's default 30 s, so the bound here is what the work needs.
  it('gives ASK CLI commands that exist, with options the ASK CLI knows', async () => {
    const commands = await guideCommands('npm run ask --');
    expect(commands.length).toBeGreaterThanOrEqual(8);
    const problems: string[] = [];
    const helps = new Map<string, ReturnType<typeof ask>>(); // a command the guide gives twice starts once
    for (const words of commands) {
      const firstOption = words.findIndex((word) => word.startsWith('-'));
      const command = firstOption < 0 ? words : words.slice(0, firstOption);
      const key = command.join(' ');
      if (!helps.has(key)) helps.set(key, ask(...command, '--help'));
      const help = await helps.get(key)!;
      if (help.code !== 0 || !help.stdout.startsWith(`Usage: ask ${command.join(' ')} `)) {
        problems.push(
          `ask ${command.join(' ')}: no such command (${help.stderr.trim() || help.stdout.split('\n')[0]})`,
        );
        continue;
      }
      const options = words.filter((word) => word.startsWith('-')).map((word) => word.split('=')[0]);
      for (const option of options) {
        if (!new RegExp(`(^|[\\s,])${option}[\\s,<]`, 'm').test(help.stdout)) {
          problems.push(`ask ${command.join(' ')}: no option ${option}`);
        }
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it("is read by the ASK CLI's own project model: ask-resources.json points every profile at the rendered package", () => {
    const modelPath = join(
      REPO_ROOT,
      'node_modules/ask-cli/dist/lib/model/resources-config/ask-resources.js',
    );
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the ASK CLI's CommonJS model, as the CLI loads it
    const AskResources = require(modelPath) as new (path: string) => {
      getSkillMetaSrc(profile: string): string;
    };
    const resources = new AskResources(join(REPO_ROOT, 'ask-resources.json'));
    for (const profile of ['default', '__ENVIRONMENT_ASK_PROFILE__']) {
      expect(join(resources.getSkillMetaSrc(profile))).toBe(join(DEFAULT_OUT_DIR, PACKAGE_DIR));
    }
  });

  it('renders the skill package with the settings of its skill-package command', async () => {
    const commands = await guideCommands('npm run skill-package --');
    expect(commands).toHaveLength(1);
    const out = await mkdtemp(join(tmpdir(), 'go-live-package-'));
    try {
      const run = await runTool(
        'npm',
        ['run', '-s', 'skill-package', '--', ...commands[0], '--out', out],
        shellEnv({ SKILL_OAUTH_CLIENT_SECRET: 'example-secret' }),
      );
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(run.stdout).not.toContain('note:');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it.each(['README.md'])('gives simulator commands in %s that the simulator takes', async (doc) => {
    const commands = await guideCommands('npm run alexa --', join(REPO_ROOT, doc));
    expect(commands.length).toBeGreaterThan(0);
    // A port nothing listens on: a command the simulator takes gets as far as connecting.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dead = `http://127.0.0.1:${(server.address() as { port: number }).port}/alexa`;
    await new Promise((resolve) => server.close(resolve));
    for (const words of commands) {
      const args = [
        ...words.filter((_, i) => words[i] !== '--url' && words[i - 1] !== '--url'),
        '--url',
        dead,
      ];
      const run = await runTool('bash', ['tools/node24.sh', 'tools/alexa-simulator.ts', ...args]);
      expect({ args, stderr: run.stderr }).toEqual({
        args,
        stderr: `alexa: nothing is listening on ${dead} (connection refused): start the service (bash tools/demo.sh) or pass --url\n`,
      });
    }
  });
});
