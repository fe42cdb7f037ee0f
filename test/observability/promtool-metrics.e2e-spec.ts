import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { MetricsServer } from '@lib/metrics';
import { startFakeMusicApi, type FakeMusicApi } from '../../tools/fake-music-api.ts';
import { createTestApp, type TestApp } from '../support/test-app';
import { TestDomainModule } from '../support/test-domain.module';
import { describeWithBinary } from './support/binaries';
import { FUNNEL_ENV, FUNNEL_PHASES, FUNNEL_TOKENS } from './support/funnel';

// `promtool check metrics` (Debian's `prometheus` package) on the real /metrics of the running service after
// the scripted funnel, through scripts/check-metrics.sh: the project's own families lint clean; prom-client's
// default nodejs_*/process_* families are left out of the lint, not out of the output.

const { describe: describeWithPromtool, path: PROMTOOL } = describeWithBinary('promtool');
const CHECK_METRICS = join(__dirname, '../../scripts/check-metrics.sh');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { env: { ...process.env, PROMTOOL, ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

describeWithPromtool('promtool check metrics on the live /metrics output', () => {
  let fake: FakeMusicApi;
  let t: TestApp;
  let url: string;
  let exposition: string;

  beforeAll(async () => {
    fake = await startFakeMusicApi({ tokens: [FUNNEL_TOKENS.linked] });
    t = await createTestApp({
      env: { MUSIC_API_BASE_URL: fake.url, ...FUNNEL_ENV },
      imports: [TestDomainModule],
    });
    for (const phase of FUNNEL_PHASES) await phase(t.alexa, fake);
    url = `http://127.0.0.1:${t.app.get(MetricsServer).port()}/metrics`;
    exposition = await t.metrics();
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it("finds no lint problem in the project's own metrics", async () => {
    const result = await run(CHECK_METRICS, [url]);
    expect(result).toEqual({ code: 0, stdout: expect.stringMatching(/own families lint clean/), stderr: '' });
    const [, own] = /(\d+) own families/.exec(result.stdout)!;
    expect(Number(own)).toBeGreaterThanOrEqual(13);
  });

  it('keeps the default process metrics in the output, and they are why the lint leaves them out', async () => {
    expect(exposition).toMatch(/^process_cpu_seconds_total /m);
    expect(exposition).toMatch(/^nodejs_active_handles_total /m);
    const all = await run(PROMTOOL, ['check', 'metrics'], {}, exposition);
    expect(all.code).not.toBe(0);
    const problems = `${all.stdout}${all.stderr}`.trim().split('\n');
    expect(problems.length).toBeGreaterThan(0);
    for (const line of problems) expect(line).toMatch(/^nodejs_\w+ /);
  });

  it('has teeth: a counter of ours without _total fails the check', async () => {
    const broken = exposition.replaceAll('alexa_account_link_cards_total', 'alexa_account_link_cards');
    const result = await run(CHECK_METRICS, ['-'], {}, broken);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('alexa_account_link_cards counter metrics should have "_total" suffix');
  });

  it('leaves out the prefixed default families when METRICS_PREFIX is set', async () => {
    const prefixed = exposition.replace(/^(# (?:HELP|TYPE) )?(nodejs_|process_)/gm, '$1svc_$2');
    const result = await run(CHECK_METRICS, ['-'], { METRICS_PREFIX: 'svc_' }, prefixed);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect((await run(CHECK_METRICS, ['-'], {}, prefixed)).code).toBe(1);
  });

  it('says so when it cannot reach the service', async () => {
    const result = await run(CHECK_METRICS, ['http://127.0.0.1:9/metrics']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('could not fetch');
  });
});
