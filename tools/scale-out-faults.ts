// Fault run of the shared state store: two pods of the built service on one redis-server, under a steady load of
// new signed LaunchRequests (clients alternating between the pods), through five phases: Redis up, killed,
// restarted, frozen (SIGSTOP: connections open, no answers), thawed. Per phase it prints the requests answered,
// any answer other than 200, latency p50 / p99 / max, the fallbacks counted (state_store_errors_total), both pods'
// state_store_up at the end of the phase, and whether a request replayed to the other pod was refused (shared)
// or answered (per pod). A 3 s warm-up comes first. Exit 1 on any answer other than 200 or any socket error.
//
//   npm run build && npm run scale-out-faults -- [--phase-seconds 10] [--clients 8]
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { alexaRequest } from './alexa-request/envelope.ts';
import { RedisServer, redisServerInstalled, REDIS_APT } from './redis-server.ts';
import { PodPair, SteadyLoad } from './scale-out/pods.ts';
import { percentile } from './soak/report.ts';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { 'phase-seconds': { type: 'string', default: '10' }, clients: { type: 'string', default: '8' } },
});
const phaseMs = Number(values['phase-seconds']) * 1000;
const clients = Number(values.clients);

if (!existsSync(join(root, 'dist/apps/skill-service/src/main.js'))) {
  throw new Error('dist/ is missing: run npm run build first');
}
if (!redisServerInstalled()) throw new Error(`redis-server is not installed: ${REDIS_APT}`);

const redis = await RedisServer.start();
const pods = await PodPair.start(root, {
  REDIS_URL: redis.url,
  STATE_KEY_SECRET: 'scale-out-fault-run-key-secret',
  LOG_LEVEL: 'warn',
});
let serial = 0;
const launch = () =>
  pods.sign(alexaRequest().launch().requestId(`amzn1.echo-api.request.faults-${process.pid}-${++serial}`));

interface PhaseFigures {
  phase: string;
  requests: number;
  notOk: number;
  p50: number;
  p99: number;
  max: number;
  fallbacks: number;
  up: string;
  replayToOtherPod: string;
}

const figures: PhaseFigures[] = [];
let failed = 0;
try {
  // Warm-up (not reported): both pods compile their hot paths before the first phase is timed.
  const warmUp = new SteadyLoad(pods, launch, clients);
  await new Promise((done) => setTimeout(done, 3000));
  await warmUp.stop();
  const phases: Array<[string, () => Promise<void> | void]> = [
    ['Redis up', () => undefined],
    ['Redis killed (SIGKILL)', () => redis.kill()],
    ['Redis restarted', () => redis.restart()],
    ['Redis frozen (SIGSTOP)', () => redis.freeze()],
    ['Redis thawed (SIGCONT)', () => redis.thaw()],
  ];
  for (const [phase, fault] of phases) {
    const fallbacksBefore = await pods.total('state_store_errors_total', { operation: 'claim' });
    await fault();
    const load = new SteadyLoad(pods, launch, clients);
    await new Promise((done) => setTimeout(done, phaseMs));
    const replies = await load.stop();
    const latencies = replies.map((r) => r.doneAt - r.sentAt).sort((x, y) => x - y);
    const notOk = replies.filter((r) => r.status !== 200).length;
    failed += notOk;
    const replay = launch();
    await pods.a.send(replay);
    const again = await pods.b.send(replay);
    figures.push({
      phase,
      requests: replies.length,
      notOk,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? 0,
      fallbacks: (await pods.total('state_store_errors_total', { operation: 'claim' })) - fallbacksBefore,
      up: (await Promise.all(pods.pods.map((pod) => pod.metric('state_store_up')))).join('/'),
      replayToOtherPod: again.status === 400 ? 'refused' : `answered ${again.status}`,
    });
  }
} finally {
  await pods.stop();
  await redis.stop();
}

const ms = (value: number) => value.toFixed(1);
process.stdout.write(
  `${clients} clients, ${phaseMs / 1000} s per phase, two pods (dist/), one redis-server, Node ${process.version}\n\n` +
    '| phase | requests | not 200 | p50 ms | p99 ms | max ms | claim fallbacks | state_store_up A/B | replay to the other pod |\n' +
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n' +
    figures
      .map(
        (f) =>
          `| ${f.phase} | ${f.requests} | ${f.notOk} | ${ms(f.p50)} | ${ms(f.p99)} | ${ms(f.max)} | ${f.fallbacks} | ${f.up} | ${f.replayToOtherPod} |`,
      )
      .join('\n') +
    '\n',
);
process.exitCode = failed > 0 ? 1 : 0;
