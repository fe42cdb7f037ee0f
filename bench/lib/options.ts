// Command-line options of `npm run bench -- [options]`.
import { parseArgs } from 'node:util';

export const SCENARIO_KEYS = [
  'ceiling',
  'official',
  'service_unverified',
  'service_signed',
  'service_linked',
  'handwritten_linked',
  'cold_burst',
  'service_signed_redis',
  'service_linked_traced_10',
  'service_linked_traced_100',
] as const;
export type ScenarioKey = (typeof SCENARIO_KEYS)[number];

export type BenchMode = 'default' | 'smoke' | 'leak';

export interface BenchOptions {
  mode: BenchMode;
  /** Run `npm run build` first. */
  build: boolean;
  /** Repetitions of each scenario (medians are reported). */
  reps: number;
  /** Target length of each measured window, in seconds. */
  durationSec: number;
  /** Length of the warm-up before the first window of each server, in seconds. */
  warmupSec: number;
  connections: number[];
  /** Scenarios to run (all by default). */
  only: Set<ScenarioKey>;
  /** Concurrent requests of the cold-certificate burst. */
  burst: number;
  /** Leak check: total requests and the size of the first (reference) batch. */
  leakTotal: number;
  leakChunk: number;
  /** Run the leak check after the scenarios. */
  leak: boolean;
  /** Only when the run so far leaves room for it (the default run stays under 10 minutes). */
  leakOnlyIfTimeAllows: boolean;
  /** Scenarios whose server runs with `--cpu-prof` (profiles in bench/results/profiles). */
  profile: Set<ScenarioKey>;
  /** Keep the servers' log lines in bench/results/logs instead of sending them to /dev/null. */
  keepLogs: boolean;
  /** Replay protection in the signed scenarios (the service's production default: on). */
  replayProtection: boolean;
  /** Run the other bench files (bench/*.bench.ts). */
  extras: boolean;
  /** Extra environment for every service process (experiments, e.g. LOG_LEVEL=warn). */
  serviceEnv: Record<string, string>;
  /** Extra node flags for every service process (experiments, e.g. --no-opt), after the image's. */
  serviceNodeArgs: string[];
  /** Start the service with the Node runtime settings of the production image (Dockerfile ENV and CMD flags). */
  imageRuntime: boolean;
}

export const USAGE = `usage: npm run bench -- [options]

  (no option)          build, every scenario, 3 repetitions, connections 16,64, then the leak check if the
                       run has taken under 400 s so far (about 7-8 minutes in all on 2 cores)
  --smoke              everything very briefly, once, no targets enforced (CI)
  --leak               only the leak check: RSS after 200k signed requests vs after the first 20k
  --with-leak          the leak check after the scenarios, even with --only or a slow run
  --no-leak            no leak check
  --no-build           use the existing dist/ (default: npm run build first; --smoke builds only when dist/ is missing)
  --reps N             repetitions per scenario (default 3)
  --duration S         seconds per measured window (default 5)
  --warmup S           seconds of warm-up per server (default 2)
  --connections LIST   e.g. 1,16,64
  --only LIST          scenarios: ${SCENARIO_KEYS.join(',')}
  --burst N            concurrent requests of the cold-certificate burst (default 500)
  --profile LIST       run these scenarios' servers with --cpu-prof (bench/results/profiles)
  --keep-logs          write server logs to bench/results/logs/ (default: /dev/null)
  --no-replay          signed scenarios with ALEXA_REPLAY_PROTECTION=false
  --no-image-runtime   start the service without the image's Node settings (Dockerfile ENV NODE_OPTIONS,
                       MALLOC_ARENA_MAX, UV_THREADPOOL_SIZE and the node flags of its CMD), as a bare
                       "node main.js" would
  --no-extras          skip bench/*.bench.ts
  --service-env K=V    extra environment for the service processes (repeatable; experiments such as
                       LOG_LEVEL=warn to see what the request log costs)
  --service-node-arg F extra node flag for the service processes (repeatable; V8 flags that NODE_OPTIONS
                       refuses, e.g. --service-node-arg=--no-maglev)
`;

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function scenarioSet(value: string | undefined, fallback: readonly ScenarioKey[]): Set<ScenarioKey> {
  const items = list(value);
  if (items.length === 0) return new Set(fallback);
  for (const item of items) {
    if (!(SCENARIO_KEYS as readonly string[]).includes(item)) {
      throw new Error(`unknown scenario "${item}" (known: ${SCENARIO_KEYS.join(', ')})`);
    }
  }
  return new Set(items as ScenarioKey[]);
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} must be a positive number`);
  return number;
}

export function parseOptions(argv: readonly string[], distPresent: boolean): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      smoke: { type: 'boolean', default: false },
      leak: { type: 'boolean', default: false },
      'with-leak': { type: 'boolean', default: false },
      'no-leak': { type: 'boolean', default: false },
      build: { type: 'boolean' },
      'no-build': { type: 'boolean', default: false },
      reps: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
      burst: { type: 'string' },
      profile: { type: 'string' },
      'keep-logs': { type: 'boolean', default: false },
      'no-replay': { type: 'boolean', default: false },
      'no-image-runtime': { type: 'boolean', default: false },
      'no-extras': { type: 'boolean', default: false },
      'service-env': { type: 'string', multiple: true, default: [] },
      'service-node-arg': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const mode: BenchMode = values.smoke ? 'smoke' : values.leak ? 'leak' : 'default';
  const smoke = mode === 'smoke';
  const build = values['no-build'] ? false : (values.build ?? (smoke ? !distPresent : true));
  const connections = list(values.connections).map(Number);
  if (connections.some((c) => !Number.isInteger(c) || c <= 0)) {
    throw new Error('--connections must be positive integers, e.g. 1,16,64');
  }
  return {
    mode,
    build,
    reps: Math.round(positive('reps', values.reps, smoke ? 1 : 3)),
    durationSec: positive('duration', values.duration, smoke ? 0.3 : 5),
    warmupSec: positive('warmup', values.warmup, smoke ? 0.2 : 2),
    connections: connections.length > 0 ? connections : [16, 64],
    only: mode === 'leak' ? new Set() : scenarioSet(values.only, SCENARIO_KEYS),
    burst: Math.round(positive('burst', values.burst, 500)),
    leakTotal: smoke ? 2000 : 200_000,
    leakChunk: smoke ? 500 : 20_000,
    leak:
      mode === 'leak' ||
      values['with-leak'] ||
      smoke ||
      (mode === 'default' && values.only === undefined && !values['no-leak']),
    leakOnlyIfTimeAllows: mode === 'default' && !values['with-leak'],
    profile: scenarioSet(values.profile, []),
    keepLogs: values['keep-logs'],
    replayProtection: !values['no-replay'],
    serviceNodeArgs: values['service-node-arg'],
    imageRuntime: !values['no-image-runtime'],
    extras: !values['no-extras'],
    serviceEnv: Object.fromEntries(
      values['service-env'].map((pair) => {
        const at = pair.indexOf('=');
        if (at <= 0) throw new Error(`--service-env needs KEY=VALUE, got "${pair}"`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
    ),
  };
}
