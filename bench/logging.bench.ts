// What the one log line per request costs (libs/service-runtime's root logger, from dist/), in microseconds of
// process CPU per line, and what two changes would save: no redaction on that line, and batched writes.
// Lines go to /dev/null through the same sonic-boom destination pino uses for stdout; one line per event-loop
// turn, like requests, and an empty loop's cost is subtracted.
//
//   npm run build && node bench/logging.bench.ts [--rounds 5] [--lines 20000]
//
// `npm run bench` imports run() (bench/lib/extras.ts contract).
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino, { type DestinationStream, type Logger } from 'pino';

interface LoggingOptionsModule {
  createRootLogger: (options: { level: string; destination: DestinationStream }) => Logger;
}

export interface LoggingBenchFigures {
  /** The service's logger as configured (redaction on, a write per line when the previous one finished). */
  asConfiguredUs: number;
  /** The same line without the redaction paths. */
  withoutRedactionUs: number;
  /** Redaction on, writes batched up to 4 KiB (sonic-boom minLength). */
  batchedWritesUs: number;
  /** Both changes. */
  bothUs: number;
  rounds: number;
  linesPerRound: number;
}

/** The line RequestLogHooks writes for a skill request (libs/service-runtime/src/logging/request-log.hooks.ts). */
function line(i: number): [Record<string, unknown>, string] {
  return [
    {
      reqId: `req-${i}`,
      method: 'POST',
      route: '/alexa',
      status: 200,
      latencyMs: 1.23,
      alexa: {
        requestId: `amzn1.echo-api.request.bench-${i}`,
        requestType: 'LaunchRequest',
        handler: 'MusicLaunchHandler',
        outcome: 'ok',
      },
    },
    'request completed',
  ];
}

const nextTurn = (): Promise<void> => new Promise((done) => setImmediate(done));

function flush(stream: DestinationStream): Promise<void> {
  const boom = stream as DestinationStream & { flush?: (cb: (error?: Error) => void) => void };
  return new Promise((done) => (boom.flush ? boom.flush(() => done()) : done()));
}

/** Process CPU (all threads) per line, microseconds. */
async function measure(
  logger: Logger | undefined,
  stream: DestinationStream | undefined,
  lines: number,
): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < lines; i++) {
    if (logger) {
      const [object, message] = line(i);
      logger.info(object, message);
    }
    await nextTurn();
  }
  if (stream) await flush(stream);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / lines;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function runLoggingBench(
  options: { rounds?: number; lines?: number; dist?: string } = {},
): Promise<LoggingBenchFigures> {
  const rounds = options.rounds ?? 5;
  const lines = options.lines ?? 20_000;
  const dist = resolve(options.dist ?? process.env.BENCH_DIST ?? join(import.meta.dirname, '..', 'dist'));
  const { createRootLogger } = createRequire(import.meta.url)(
    join(dist, 'libs/service-runtime/src/logging/logging.options.js'),
  ) as LoggingOptionsModule;
  const devNull = (minLength: number) => pino.destination({ dest: '/dev/null', minLength, sync: false });
  const variants = {
    asConfigured: () => {
      const stream = devNull(0);
      return { stream, logger: createRootLogger({ level: 'info', destination: stream }) };
    },
    withoutRedaction: () => {
      const stream = devNull(0);
      return { stream, logger: pino({ level: 'info', base: { pid: process.pid } }, stream) };
    },
    batchedWrites: () => {
      const stream = devNull(4096);
      return { stream, logger: createRootLogger({ level: 'info', destination: stream }) };
    },
    both: () => {
      const stream = devNull(4096);
      return { stream, logger: pino({ level: 'info', base: { pid: process.pid } }, stream) };
    },
  };
  const keys = Object.keys(variants) as (keyof typeof variants)[];
  const samples = Object.fromEntries(keys.map((key) => [key, [] as number[]])) as Record<
    keyof typeof variants,
    number[]
  >;
  const loggers = Object.fromEntries(keys.map((key) => [key, variants[key]()])) as unknown as Record<
    keyof typeof variants,
    { stream: DestinationStream; logger: Logger }
  >;
  // Warm-up, then interleaved rounds, each minus an empty loop measured in the same round.
  for (const key of keys) await measure(loggers[key].logger, loggers[key].stream, Math.min(lines, 5000));
  for (let round = 0; round < rounds; round++) {
    const empty = await measure(undefined, undefined, lines);
    for (const key of keys) {
      samples[key].push((await measure(loggers[key].logger, loggers[key].stream, lines)) - empty);
    }
  }
  for (const key of keys) (loggers[key].stream as DestinationStream & { end?: () => void }).end?.();
  const round1 = (value: number): number => Math.round(value * 10) / 10;
  return {
    asConfiguredUs: round1(median(samples.asConfigured)),
    withoutRedactionUs: round1(median(samples.withoutRedaction)),
    batchedWritesUs: round1(median(samples.batchedWrites)),
    bothUs: round1(median(samples.both)),
    rounds,
    linesPerRound: lines,
  };
}

/** The `npm run bench` entry (bench/lib/extras.ts contract). */
export async function run(options: { smoke: boolean; dist: string }): Promise<Record<string, unknown>> {
  const figures = await runLoggingBench(
    options.smoke ? { rounds: 1, lines: 1000, dist: options.dist } : { dist: options.dist },
  );
  return {
    ...figures,
    lines: [
      `request log line, CPU per line (medians of ${figures.rounds} rounds x ${figures.linesPerRound} lines to /dev/null):`,
      `  as configured (20 redaction paths, one write per line)   ${figures.asConfiguredUs} us`,
      `  without redaction                                       ${figures.withoutRedactionUs} us`,
      `  redaction, writes batched to 4 KiB                      ${figures.batchedWritesUs} us`,
      `  both                                                    ${figures.bothUs} us`,
    ],
  };
}

if (/logging\.bench\.ts$/.test(process.argv[1] ?? '')) {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, lines: { type: 'string' } } });
  runLoggingBench({
    rounds: values.rounds === undefined ? undefined : Number(values.rounds),
    lines: values.lines === undefined ? undefined : Number(values.lines),
  }).then(
    (figures) => console.log(figures),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
