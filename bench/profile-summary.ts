// Where did the CPU go? Summarises a V8 .cpuprofile (from `npm run bench -- --profile <scenario>`):
// self time by component (package, our library, Node internals, GC) and the hottest functions.
//
//   node bench/profile-summary.ts bench/results/profiles/service_signed-<time>.cpuprofile [--top 25] [--skip-ms N]
// --skip-ms leaves out the first N ms (start-up and module loading) so the figures describe the request path;
// --callers NAME [--depth 4] breaks one function's self time down by its callers; --inclusive NAME,NAME gives
// each function's share with everything it calls; --min-share P lists components from P % on (default 0.5).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The component a frame belongs to: an npm package, one of our libraries, Node itself, or V8. */
export function component(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName === '(garbage collector)') return 'V8: garbage collector';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return 'V8: program (native, not attributed)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const ours = /\/dist\/(libs|apps)\/([^/]+)\//.exec(url);
  if (ours) return `ours: ${ours[1]}/${ours[2]}`;
  if (url.startsWith('node:')) {
    const name = url.slice('node:'.length).split('/');
    return `node: ${name[0] === 'internal' ? name.slice(1, 3).join('/') : name[0]}`;
  }
  return url;
}

/**
 * Who calls `functionName`: self time of its samples by the chain of callers above it (`depth` frames,
 * innermost first), e.g. which writes a native `writeUtf8String` belongs to.
 */
export function callersOf(
  profile: CpuProfile,
  functionName: string,
  depth = 4,
  skipMs = 0,
): { chain: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const chains = new Map<string, number>();
  let elapsedUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    elapsedUs += profile.timeDeltas[i] ?? 0;
    if (elapsedUs < skipMs * 1000) continue;
    const id = profile.samples[i];
    if (byId.get(id)?.callFrame.functionName !== functionName) continue;
    const names: string[] = [];
    for (let at = parent.get(id); at !== undefined && names.length < depth; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      names.push(`${frame.functionName || '(anonymous)'} [${component(frame)}]`);
    }
    const chain = names.join(' < ');
    chains.set(chain, (chains.get(chain) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  return [...chains].sort((a, b) => b[1] - a[1]).map(([chain, us]) => ({ chain, ms: us / 1000 }));
}

/**
 * Share of the busy (non-idle) samples with a frame named `functionName` anywhere on the stack: the function's
 * inclusive cost, e.g. a guard's `canActivate` with everything it calls. Work continued after an `await` is
 * not counted (it runs from the microtask queue, not under the frame).
 */
export function inclusiveShare(profile: CpuProfile, functionName: string, skipMs = 0): number {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const under = new Map<number, boolean>();
  const isUnder = (id: number): boolean => {
    const known = under.get(id);
    if (known !== undefined) return known;
    const frame = byId.get(id)?.callFrame;
    const up = parent.get(id);
    const result = frame?.functionName === functionName || (up !== undefined && isUnder(up));
    under.set(id, result);
    return result;
  };
  let busy = 0;
  let inside = 0;
  let elapsedUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    elapsedUs += delta;
    if (elapsedUs < skipMs * 1000) continue;
    const id = profile.samples[i];
    if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
    busy += delta;
    if (isUnder(id)) inside += delta;
  }
  return busy === 0 ? 0 : inside / busy;
}

export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  components: { name: string; ms: number; share: number }[];
  functions: { name: string; where: string; ms: number; share: number }[];
}

/** `skipMs`: ignore the first milliseconds of the profile (start-up, module loading). */
export function summariseProfile(profile: CpuProfile, top = 25, skipMs = 0): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let elapsedUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    elapsedUs += profile.timeDeltas[i] ?? 0;
    if (elapsedUs < skipMs * 1000) continue;
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const components = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    total += us;
    const name = component(frame);
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    components.set(name, (components.get(name) ?? 0) + us);
    const where = frame.url
      ? `${frame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${frame.lineNumber + 1}`
      : '';
    const key = `${frame.functionName}@${where}`;
    const entry = functions.get(key) ?? { name: frame.functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  const busy = total - idle;
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    components: [...components]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / busy })),
    functions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, share: f.us / busy })),
  };
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      top: { type: 'string', default: '25' },
      'skip-ms': { type: 'string', default: '0' },
      callers: { type: 'string' },
      inclusive: { type: 'string' },
      depth: { type: 'string', default: '4' },
      'min-share': { type: 'string', default: '0.5' },
    },
  });
  if (positionals.length === 0) {
    process.stderr.write(
      'usage: node bench/profile-summary.ts <file.cpuprofile> [--top 25] [--skip-ms 5000]\n',
    );
    process.exitCode = 2;
    return;
  }
  for (const file of positionals) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    if (values.inclusive !== undefined) {
      process.stdout.write(`${file}: inclusive share of the busy time\n`);
      for (const name of values.inclusive.split(',')) {
        const share = inclusiveShare(profile, name.trim(), Number(values['skip-ms']));
        process.stdout.write(`  ${(share * 100).toFixed(1).padStart(5)} %  ${name.trim()}\n`);
      }
      continue;
    }
    if (values.callers !== undefined) {
      process.stdout.write(`${file}: callers of ${values.callers}\n`);
      const chains = callersOf(profile, values.callers, Number(values.depth), Number(values['skip-ms']));
      for (const { chain, ms } of chains.slice(0, Number(values.top))) {
        process.stdout.write(`  ${ms.toFixed(1).padStart(8)} ms  ${chain}\n`);
      }
      continue;
    }
    const summary = summariseProfile(profile, Number(values.top), Number(values['skip-ms']));
    const pct = (share: number): string => `${(share * 100).toFixed(1).padStart(5)} %`;
    process.stdout.write(
      `${file}\n  busy ${summary.busyMs.toFixed(0)} ms of ${summary.totalMs.toFixed(0)} ms sampled\n\n  self time by component:\n`,
    );
    const minShare = Number(values['min-share']) / 100;
    for (const c of summary.components.filter((c) => c.share >= minShare)) {
      process.stdout.write(`  ${pct(c.share)}  ${c.name}\n`);
    }
    process.stdout.write('\n  hottest functions (self time):\n');
    for (const f of summary.functions) {
      process.stdout.write(`  ${pct(f.share)}  ${f.name}  ${f.where}\n`);
    }
    process.stdout.write('\n');
  }
}

if (/profile-summary\.ts$/.test(process.argv[1] ?? '')) main();
