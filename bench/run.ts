// `npm run bench`: this service side by side with its references, in one run on one machine.
// Every server runs in its own process on 127.0.0.1; autocannon drives it at fixed connection counts after a
// warm-up; server CPU comes from /proc/<pid>/stat. Each scenario is repeated and the medians are reported,
// with every figure's ratio to the same run's ceiling and official adapter. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { compileServers } from './lib/compile-servers.ts';
import { extraTargets, runExtras, type ExtraRecord } from './lib/extras.ts';
import { type BenchOptions, parseOptions, SCENARIO_KEYS, USAGE } from './lib/options.ts';
import { CLOCK_TICKS_PER_SECOND, PROC_AVAILABLE } from '../tools/process-stats.ts';
import {
  type BurstSummary,
  evaluateTargets,
  renderTable,
  renderTargets,
  sharedStateCost,
  tracingCost,
  layerCosts,
  type ScenarioRecord,
  summarise,
  summariseBurst,
} from './lib/report.ts';
import { Signer } from './lib/requests.ts';
import { type BenchContext, type DevCertificates, NotAvailableYet, SCENARIOS } from './lib/scenarios.ts';
import { describeRuntime, imageRuntime } from '../tools/image-runtime.ts';
import { ServerStartError } from './lib/server-process.ts';
import {
  type BurstResult,
  coldBurst,
  leakCheck,
  type LeakResult,
  type RateEstimates,
  runSession,
} from './lib/session.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench', 'results');
// BENCH_DIST measures another build (the other bench files read it too).
const BUILT = resolve(process.env.BENCH_DIST ?? join(ROOT, 'dist'));
const MAIN = 'apps/skill-service/src/main.js';
const ERROR_RATE_LIMIT = 0.01;
/** The default run does the leak check (about 2 minutes) only when it has taken less than this so far. */
const LEAK_TIME_BUDGET_SEC = 400;

const startedAt = performance.now();
function log(line: string): void {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(0).padStart(4);
  process.stdout.write(`[${seconds}s] ${line}\n`);
}

function machine(): Record<string, unknown> {
  const cpuList = cpus();
  return {
    cores: cpuList.length,
    available_parallelism: availableParallelism(),
    cpu_model: cpuList[0]?.model ?? 'unknown',
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${release()}`,
    memory_total_mb: Math.round(totalmem() / 2 ** 20),
    memory_free_mb: Math.round(freemem() / 2 ** 20),
    load_average_at_start: loadavg().map((l) => Number(l.toFixed(2))),
    clock_ticks_per_second: CLOCK_TICKS_PER_SECOND,
  };
}

/** Copies the build to bench/results/dist; undefined when it has no service entry point. */
function snapshot(from: string): string | undefined {
  if (!existsSync(join(from, MAIN))) return undefined;
  const to = join(RESULTS, 'dist');
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  // The build is CommonJS; without this the nearest package.json would be bench/'s ("type": "module").
  writeFileSync(join(to, 'package.json'), '{ "type": "commonjs" }\n');
  return existsSync(join(to, MAIN)) ? to : undefined;
}

function build(): void {
  log('building the production bundle (npm run build)');
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    throw new Error(`npm run build failed (exit ${result.status ?? result.signal})`);
  }
}

interface SigningSetup {
  signer: Signer | undefined;
  certs: DevCertificates | undefined;
  reason: string | undefined;
}

/** The development CA and signing key from tools/dev-certs.ts, generated into bench/results/certs. */
async function signing(): Promise<SigningSetup> {
  const tool = join(ROOT, 'tools', 'dev-certs.ts');
  if (!existsSync(tool)) {
    return { signer: undefined, certs: undefined, reason: 'tools/dev-certs.ts is not in the repository yet' };
  }
  const devCerts = (await import(tool)) as {
    ensureDevCerts(dir: string): Promise<{ dir: string; caFile: string; keyFile: string; certUrl: string }>;
  };
  const paths = await devCerts.ensureDevCerts(join(RESULTS, 'certs'));
  const privateKeyPem = await readFile(paths.keyFile, 'utf8');
  return {
    signer: new Signer({ privateKeyPem, certUrl: paths.certUrl }),
    certs: { dir: paths.dir, caFile: paths.caFile },
    reason: undefined,
  };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<number> {
  const parsed = parseOptions(process.argv.slice(2), existsSync(join(BUILT, MAIN)));
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const options: BenchOptions = parsed;
  const failures: string[] = [];
  const machineInfo = machine();
  log(
    `machine: ${String(machineInfo.cores)} cores (${String(machineInfo.cpu_model)}), Node ${process.version}, ` +
      `${String(machineInfo.memory_total_mb)} MB RAM, load ${JSON.stringify(machineInfo.load_average_at_start)}`,
  );
  log(
    (options.mode === 'leak'
      ? `mode leak: ${options.leakTotal} signed requests at 16 connections`
      : `mode ${options.mode}: ${options.reps} repetition(s), connections ${options.connections.join(',')}, ` +
        `windows of about ${options.durationSec} s after a ${options.warmupSec} s warm-up`) +
      `; server logs at info level to ${options.keepLogs ? 'bench/results/logs/' : '/dev/null'}`,
  );
  const runtime = options.imageRuntime ? imageRuntime(ROOT) : { env: {}, nodeArgs: [] };
  const runtimeLine = describeRuntime(runtime);
  log(
    `service runtime: ${runtimeLine === '' ? 'Node defaults' : `${runtimeLine} (the image's, from the Dockerfile)`}`,
  );
  if (!PROC_AVAILABLE) log('warning: /proc is not available: no server CPU or memory figures');
  mkdirSync(RESULTS, { recursive: true });

  // The servers run from a copy of the build taken now: anyone rebuilding dist/ during the run (the tests'
  // pretest does) would otherwise pull it from under them.
  let dist: string | undefined;
  for (let attempt = 1; attempt <= 2 && dist === undefined; attempt++) {
    if (options.build) build();
    dist = snapshot(BUILT);
  }
  if (dist === undefined) {
    log(`FATAL: ${join(BUILT, MAIN)} is missing (run npm run build)`);
    return 1;
  }

  const setup = await signing().catch((error: unknown): SigningSetup => ({
    signer: undefined,
    certs: undefined,
    reason: `development certificates could not be made: ${describeError(error)}`,
  }));
  if (setup.reason) log(`signed scenarios: not available yet: ${setup.reason}`);
  const ctx: BenchContext = {
    root: ROOT,
    dist,
    resultsDir: RESULTS,
    serversDir: compileServers(join(ROOT, 'bench', 'servers'), join(RESULTS, 'servers')),
    options,
    signer: setup.signer,
    certs: setup.certs,
    signingUnavailable: setup.reason,
    imageRuntime: runtime,
    log,
  };

  try {
    // Scenarios 1-5, interleaved by repetition so slow drift of a shared machine hits all of them alike.
    const records: ScenarioRecord[] = SCENARIOS.filter((s) => options.only.has(s.key)).map((s) => ({
      id: s.id,
      key: s.key,
      title: s.title,
      description: s.description,
      status: 'not run',
      sessions: [],
    }));
    const estimates = new Map<string, RateEstimates>();
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const record of records) {
        if (record.status === 'skipped' || record.status === 'failed') continue;
        const scenario = SCENARIOS.find((s) => s.key === record.key)!;
        log(`rep ${rep}/${options.reps}  ${scenario.id} ${scenario.title}`);
        try {
          const rates = estimates.get(record.key) ?? new Map<number, number>();
          estimates.set(record.key, rates);
          const session = await runSession(ctx, scenario, rep, rates);
          record.sessions.push(session);
          record.status = 'ok';
          for (const level of session.levels) {
            if (level.requests > 0 && level.errors / level.requests > ERROR_RATE_LIMIT) {
              failures.push(
                `${scenario.title} at ${level.connections} connections: ${level.errors} errors in ` +
                  `${level.requests} requests ${JSON.stringify(level.statusCodes)}`,
              );
            }
          }
        } catch (error) {
          if (error instanceof NotAvailableYet) {
            record.status = 'skipped';
            record.reason = `not available yet: ${error.message}`;
            log(`  SKIP: ${record.reason}`);
          } else {
            record.status = 'failed';
            record.reason = describeError(error);
            failures.push(
              `${scenario.title}: ${error instanceof ServerStartError ? 'server failed to start: ' : ''}${record.reason}`,
            );
            log(`  FAILED: ${record.reason}`);
          }
        }
      }
    }

    // Scenario 6: cold certificate burst, a fresh process per repetition.
    let burst: BurstSummary | undefined;
    if (options.only.has('cold_burst')) {
      const runs: BurstResult[] = [];
      let status: BurstSummary['status'] = 'ok';
      let reason: string | undefined;
      for (let rep = 1; rep <= options.reps; rep++) {
        log(
          `rep ${rep}/${options.reps}  6 cold certificate burst (${options.burst} concurrent signed requests)`,
        );
        try {
          const result = await coldBurst(ctx, rep);
          runs.push(result);
          log(
            `    all answered in ${result.elapsedMs.toFixed(0)} ms, ${result.ok}/${result.requests} ok, ` +
              `certificate loads ${result.certificateLoads ?? '?'}; alexa_verification_* series after it ` +
              `(one cert_url failure is the unsigned probe): ${JSON.stringify(result.verificationMetrics)}`,
          );
          if ((result.requests - result.ok) / result.requests > ERROR_RATE_LIMIT) {
            failures.push(
              `cold burst: only ${result.ok}/${result.requests} answered 200 ${JSON.stringify(result.statusCodes)}`,
            );
          }
        } catch (error) {
          status = error instanceof NotAvailableYet ? 'skipped' : 'failed';
          reason = (status === 'skipped' ? 'not available yet: ' : '') + describeError(error);
          log(`  ${status === 'skipped' ? 'SKIP' : 'FAILED'}: ${reason}`);
          if (status === 'failed') failures.push(`cold burst: ${reason}`);
          break;
        }
      }
      burst = summariseBurst(status, reason, runs, options.burst);
    }

    // Other benchmarks of the project (bench/*.bench.ts).
    let extras: ExtraRecord[] = [];
    if (options.extras) {
      log('other benchmarks (bench/*.bench.ts):');
      extras = await runExtras(join(ROOT, 'bench'), {
        smoke: options.mode === 'smoke',
        root: ROOT,
        dist,
        log,
      });
      for (const extra of extras)
        if (extra.status === 'failed') failures.push(`bench/${extra.name}.bench.ts: ${extra.reason}`);
    }

    // The leak check: RSS after the first batch vs after all of them.
    let leak: LeakResult | undefined;
    let leakStatus: { status: string; reason?: string } | undefined;
    const spentSec = (performance.now() - startedAt) / 1000;
    if (options.leak && options.leakOnlyIfTimeAllows && spentSec > LEAK_TIME_BUDGET_SEC) {
      leakStatus = {
        status: 'not run',
        reason: `the run took ${spentSec.toFixed(0)} s before it (limit ${LEAK_TIME_BUDGET_SEC} s): npm run bench -- --leak`,
      };
      log(`leak check: not run: ${leakStatus.reason}`);
    } else if (options.leak) {
      log(
        `leak check: ${options.leakTotal} signed requests in batches of ${options.leakChunk} (full signed path)`,
      );
      try {
        leak = await leakCheck(ctx);
        leakStatus = { status: 'ok' };
        if (leak.requests > 0 && leak.errors / leak.requests > ERROR_RATE_LIMIT) {
          failures.push(`leak check: ${leak.errors} errors in ${leak.requests} requests`);
        }
      } catch (error) {
        const skipped = error instanceof NotAvailableYet;
        leakStatus = { status: skipped ? 'skipped' : 'failed', reason: describeError(error) };
        log(`  ${skipped ? 'SKIP: not available yet' : 'FAILED'}: ${describeError(error)}`);
        if (!skipped) failures.push(`leak check: ${describeError(error)}`);
      }
    }

    const scenarios = summarise(records, options.connections);
    const targets = [...evaluateTargets(scenarios, burst, leak), ...extraTargets(extras)];
    const full16 = scenarios.find((s) => s.key === 'service_signed')?.levels['16'];
    const elapsedSec = (performance.now() - startedAt) / 1000;
    const report = {
      generated_at: new Date().toISOString(),
      mode: options.mode,
      elapsed_sec: Math.round(elapsedSec),
      machine: machineInfo,
      settings: {
        repetitions: options.reps,
        connections: options.connections,
        window_sec: options.durationSec,
        warmup_sec: options.warmupSec,
        burst: options.burst,
        replay_protection: options.replayProtection,
        server_logs: options.keepLogs ? 'bench/results/logs/' : '/dev/null',
        service_env: options.serviceEnv,
        image_runtime_env: runtime.env,
        image_node_args: runtime.nodeArgs,
        service_node_args: options.serviceNodeArgs,
        medians: 'every figure is the median over repetitions; ratios divide medians of the same run',
      },
      // The headline figures: scenario 4 (full signed path) at 16 connections.
      headline: {
        scenario: 'service_signed',
        connections: 16,
        ratio_to_ceiling: full16?.ratio_to_ceiling ?? null,
        ratio_to_official: full16?.ratio_to_official ?? null,
        cpu_us_per_request: full16?.cpu_us_per_request ?? null,
      },
      scenarios,
      cold_burst: burst ?? null,
      leak: leak
        ? { status: 'ok', ...leak }
        : (leakStatus ?? { status: 'not run', reason: 'run with --leak or --with-leak' }),
      extras,
      targets,
      failures,
    };
    writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    // A run of every scenario with the service as configured also lands in <mode>.json, which experiments
    // (--only, --service-env) leave alone.
    const complete =
      options.only.size === SCENARIO_KEYS.length &&
      Object.keys(options.serviceEnv).length === 0 &&
      options.serviceNodeArgs.length === 0 &&
      options.imageRuntime;
    const copy =
      complete || options.mode === 'leak' ? `${options.mode}.json` : `${options.mode}-partial.json`;
    writeFileSync(join(RESULTS, copy), `${JSON.stringify(report, null, 2)}\n`);

    process.stdout.write(
      `\n${String(machineInfo.cores)} cores (${String(machineInfo.cpu_model)}), Node ${process.version}; ` +
        `medians of ${options.reps} repetition(s); ratios against the same run's ceiling (1) and official adapter (2)\n\n`,
    );
    if (scenarios.length > 0 || burst) process.stdout.write(`${renderTable(scenarios, burst)}\n`);
    if (leak) {
      process.stdout.write(
        `\nleak check (full signed path, memory read after a forced full GC): RSS ` +
          `${leak.rssAfterFirstMb?.toFixed(1) ?? '?'} MB after the first ${leak.series[0]?.afterRequests} requests, ` +
          `${leak.rssAfterAllMb?.toFixed(1) ?? '?'} MB after ${leak.series[leak.series.length - 1]?.afterRequests} ` +
          `(${leak.growth === null ? '?' : (leak.growth * 100).toFixed(1)} %); live heap ` +
          `${leak.heapGrowth === null ? '?' : (leak.heapGrowth * 100).toFixed(1)} %\n`,
      );
    }
    const layerLines = layerCosts(scenarios);
    if (layerLines.length > 0) process.stdout.write(`\n${layerLines.join('\n')}\n`);
    const stateLines = sharedStateCost(scenarios);
    if (stateLines.length > 0) process.stdout.write(`\n${stateLines.join('\n')}\n`);
    const tracingLines = tracingCost(scenarios);
    if (tracingLines.length > 0) process.stdout.write(`\n${tracingLines.join('\n')}\n`);
    process.stdout.write(
      `\ntargets${options.mode === 'smoke' ? ' (smoke run: figures too short to mean anything, nothing enforced)' : ' (reported, not enforced)'}:\n` +
        `${renderTargets(targets)}\n`,
    );
    process.stdout.write(`\nresults: bench/results/latest.json (${elapsedSec.toFixed(0)} s)\n`);
    if (failures.length > 0) {
      process.stdout.write(`\nFAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
      return 1;
    }
    return 0;
  } finally {
    await setup.signer?.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
