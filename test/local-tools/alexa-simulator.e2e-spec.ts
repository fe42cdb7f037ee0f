import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SKILL_ID } from '../../tools/alexa-request/envelope.ts';
import { DEV_CA_FILE, ensureDevCerts } from '../../tools/dev-certs.ts';
import {
  createVerificationTestApp,
  type VerificationTestApp,
} from '../support/signing/verification-test-app';
import { runTool, shellEnv, type ToolRun } from './run-tool';

// The request simulator as a person runs it: a real process against the real app on a real socket, in the
// development setup of the demo (file certificate source, development CA).

/** The machine's own Node and npm, as a fresh shell has them: no Node 24 put on PATH by ensure-node.sh. */
const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

describe('the request simulator (npm run alexa)', () => {
  let dir: string;
  let t: VerificationTestApp;
  let url: string;

  /** The way `npm run alexa` starts it. */
  const simulate = (...args: string[]): Promise<ToolRun> =>
    runTool('bash', [
      'tools/node24.sh',
      'tools/alexa-simulator.ts',
      ...args,
      '--certs',
      dir,
      '--skill-id',
      DEFAULT_SKILL_ID,
    ]);
  const skillEvents = () => t.logs.entries().filter((entry) => entry.msg === 'skill event');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'simulator-certs-'));
    await ensureDevCerts(dir);
    t = await createVerificationTestApp({
      env: {
        NODE_ENV: 'development',
        ALEXA_SKILL_ID: DEFAULT_SKILL_ID,
        ALEXA_CERT_SOURCE: `file:${dir}`,
        ALEXA_TRUSTED_CA_FILE: join(dir, DEV_CA_FILE),
      },
    });
    await t.app.listen(0, '127.0.0.1');
    url = `${await t.app.getUrl()}${t.endpoint}`;
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['SkillAccountLinked', 'AlexaSkillEvent.SkillAccountLinked'])(
    'sends "event %s" as the SkillAccountLinked event, which the service acknowledges',
    async (name) => {
      const before = skillEvents().length;
      const run = await simulate('event', name, '--token', 'demo-token', '--url', url);
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(run.stdout).toBe('HTTP 200\nspeech:  (none)\nsession: ended\n');
      expect(
        skillEvents()
          .slice(before)
          .map((entry) => entry.event),
      ).toEqual(['linked']);
    },
  );

  it('names an unknown skill event and sends nothing', async () => {
    const run = await simulate('event', 'SkillLinked', '--url', url);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'alexa: unknown skill event "SkillLinked" (one of SkillEnabled, SkillDisabled,',
    );
  });

  it('names an unknown command instead of only printing the usage', async () => {
    const run = await simulate('lauch', '--url', url);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(
      'alexa: unknown command "lauch" (one of launch, intent, event, session-end)',
    );
    expect(run.stderr).toContain('usage: npm run alexa --');
  });

  it('refuses a locale the skill package has no interaction model for', async () => {
    const run = await simulate('launch', '--locale', 'xx', '--url', url);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(
      'alexa: locale "xx" has no interaction model in the skill package (de-DE, en-US)',
    );
  });

  it('accepts every locale the skill package has a model for', async () => {
    const run = await simulate('launch', '--locale', 'de-DE', '--url', url);
    expect([run.code, run.stdout.split('\n')[0]]).toEqual([0, 'HTTP 200']);
  });

  it('says that nothing is listening when the connection is refused', async () => {
    // A port that was free a moment ago and is closed again: connecting to it is refused.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    const dead = `http://127.0.0.1:${port}/alexa`;
    const run = await simulate('launch', '--url', dead);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `alexa: nothing is listening on ${dead} (connection refused): start the service (bash tools/demo.sh) or pass --url\n`,
    );
  });

  it("runs as the README says (npm run alexa -- launch) from a shell whose Node is the machine's own", async () => {
    const env = shellEnv({ PATH: SYSTEM_PATH });
    const systemNode = execFileSync('node', ['-p', 'process.versions.node'], { env }).toString().trim();
    // On a machine whose own Node is 24 already the wrapper has nothing to do; the command must work all the same.
    if (Number(systemNode.split('.')[0]) >= 24)
      console.warn(`the machine's Node is ${systemNode}: no older Node to try`);
    const run = await runTool(
      'npm',
      ['run', '-s', 'alexa', '--', 'launch', '--url', url, '--certs', dir, '--skill-id', DEFAULT_SKILL_ID],
      env,
    );
    expect(run.code).toBe(0);
    // Where the repository has no Node 24 yet (.tools/), the wrapper installs it first and says so; nothing else.
    expect(
      run.stderr.replace(
        /^ensure-node: installing Node 24 [^\n]*\n(\s*added \d+ packages? in [^\n]*\n)?/,
        '',
      ),
    ).toBe('');
    expect(run.stdout.split('\n')[0]).toBe('HTTP 200');
  });
});
