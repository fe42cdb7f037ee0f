// The servers under test run as plain JavaScript: Node's TypeScript stripper costs about 17 MB of RSS and some
// start-up time in every process that loads a `.ts` file, which would be charged to the server measured.
// Each bench/servers/*.ts is type-stripped once per run (node:module stripTypeScriptTypes) into
// bench/results/servers/*.mjs, with its sibling imports pointed at the stripped files.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { join } from 'node:path';

const SIBLING_IMPORT = /(from\s+['"]\.\/[^'"]+)\.ts(['"])/g;

/** Strips every server file; returns the directory holding the `.mjs` files. */
export function compileServers(sourceDir: string, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  // stripTypeScriptTypes is marked experimental in Node 24: keep its one-time warning out of the report.
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = () => undefined;
  try {
    for (const file of readdirSync(sourceDir)) {
      if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
      const source = readFileSync(join(sourceDir, file), 'utf8');
      const code = stripTypeScriptTypes(source, { mode: 'strip' }).replace(SIBLING_IMPORT, '$1.mjs$2');
      writeFileSync(join(outDir, file.replace(/\.ts$/, '.mjs')), code);
    }
  } finally {
    process.emitWarning = emitWarning;
  }
  return outDir;
}
