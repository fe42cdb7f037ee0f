// Other benchmarks of the project live beside this one as `bench/<name>.bench.ts` and are run by import.
// Contract (see bench/README.md): the module exports `run(options)` (named or default) that resolves to an
// object; its optional `lines` (strings) are printed and its optional `targets` are reported with the others.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TargetResult } from './report.ts';

export interface ExtraBenchOptions {
  smoke: boolean;
  root: string;
  dist: string;
  log(line: string): void;
}

export interface ExtraTarget {
  id?: string;
  description: string;
  /** true PASS, false MISS, null not measured. */
  pass: boolean | null;
  actual?: string;
}

export interface ExtraBenchResult {
  lines?: string[];
  targets?: ExtraTarget[];
  [figure: string]: unknown;
}

export interface ExtraRecord {
  name: string;
  file: string;
  status: 'ok' | 'not available yet' | 'failed';
  reason?: string;
  result?: ExtraBenchResult;
}

type Run = (options: ExtraBenchOptions) => Promise<ExtraBenchResult>;

/** `run` or the default export, or else the one exported `run...Bench` function, called with the options. */
function genericRun(module: Record<string, unknown>): Run | undefined {
  const candidates = [
    module.run,
    module.default,
    ...Object.entries(module)
      .filter(([key]) => /^run\w*Bench$/.test(key))
      .map(([, value]) => value),
  ];
  const found = candidates.find((c): c is Run => typeof c === 'function');
  if (!found) return undefined;
  return async (options) => {
    const result = (await found(options)) as unknown;
    if (typeof result !== 'object' || result === null) return { value: result };
    const record = result as ExtraBenchResult;
    return record.lines ? record : { ...record, lines: describe(record) };
  };
}

function describe(result: Record<string, unknown>): string[] {
  return Object.entries(result)
    .filter(
      ([, value]) => typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean',
    )
    .map(([key, value]) => `${key}: ${String(value)}`);
}

/** The benchmarks other parts of the project promised; each is reported, present or not. */
const EXPECTED = ['verification', 'resilient-http', 'state-store'];

export async function runExtras(benchDir: string, options: ExtraBenchOptions): Promise<ExtraRecord[]> {
  const present = existsSync(benchDir)
    ? readdirSync(benchDir)
        .filter((f) => f.endsWith('.bench.ts'))
        .map((f) => f.slice(0, -'.bench.ts'.length))
    : [];
  const names = [...new Set([...EXPECTED, ...present])];
  const records: ExtraRecord[] = [];
  for (const name of names) {
    const file = join(benchDir, `${name}.bench.ts`);
    if (!existsSync(file)) {
      options.log(`  ${name}: not available yet (bench/${name}.bench.ts is not in the repository)`);
      records.push({ name, file, status: 'not available yet' });
      continue;
    }
    try {
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const run = genericRun(module);
      if (run === undefined) {
        throw new Error(`bench/${name}.bench.ts exports no run() function`);
      }
      options.log(`  ${name}:`);
      const result = (await run(options)) ?? {};
      for (const line of result.lines ?? []) options.log(`    ${line}`);
      records.push({ name, file, status: 'ok', result });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      options.log(`  ${name}: FAILED: ${reason}`);
      records.push({ name, file, status: 'failed', reason });
    }
  }
  return records;
}

export function extraTargets(records: readonly ExtraRecord[]): TargetResult[] {
  return records.flatMap((record) =>
    (record.result?.targets ?? []).map((t, i) => ({
      id: `${record.name}.${t.id ?? i}`,
      description: `[${record.name}] ${t.description}`,
      status: t.pass === null ? ('N/A' as const) : t.pass ? ('PASS' as const) : ('MISS' as const),
      actual: t.actual ?? '',
    })),
  );
}
