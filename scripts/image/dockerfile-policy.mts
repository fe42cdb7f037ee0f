// Policy checks for the Dockerfile that a syntax linter does not make (run by scripts/verify-image.sh):
// multi-stage with deps/build/runtime stages, every external base pinned (digest or exact version) on the
// project's Node major, `npm ci` with the lockfile, no ADD, a numeric non-root USER and exec-form CMD/ENTRYPOINT
// in the final stage, no secrets in ARG/ENV.
// Usage: node scripts/image/dockerfile-policy.mts [Dockerfile]   (exit 1 and one line per violation)
//        node scripts/image/dockerfile-policy.mts --print-bases [Dockerfile]   (the external base images, resolved)
import { readFileSync } from 'node:fs';
import { Arg, DockerfileParser, Env, type Instruction, type JSONInstruction } from 'dockerfile-ast';

export interface PolicyOptions {
  /** The Node major the project targets (.nvmrc). */
  nodeMajor: number;
  /** Stage names that must exist. @default ['deps', 'build'] */
  requiredStages?: string[];
}

const EXACT_VERSION = /^(\d+)\.\d+\.\d+(?:-[a-z0-9.-]+)?$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const SECRET_NAME = /(secret|token|password|passwd|api_?key|private_?key|credential)/i;

function isJson(instruction: Instruction): instruction is JSONInstruction {
  return typeof (instruction as Partial<JSONInstruction>).getJSONStrings === 'function';
}

function jsonValues(instruction: Instruction): string[] | null {
  const content = (instruction.getArgumentsContent() ?? '').trim();
  if (!isJson(instruction) || !content.startsWith('[')) return null;
  return instruction.getJSONStrings().map((s) => s.getJSONValue());
}

/** The external base images (not earlier stages), with ARG defaults resolved, in order of first use. */
export function baseImages(text: string): string[] {
  const stages = new Set<string>();
  const bases: string[] = [];
  for (const from of DockerfileParser.parse(text).getFROMs()) {
    const [image = ''] = from.getExpandedArguments().map((a) => a.getValue());
    if (!stages.has(image) && !bases.includes(image)) bases.push(image);
    const stage = from.getBuildStage();
    if (stage) stages.add(stage);
  }
  return bases;
}

/** Returns the violations found; an empty list means the Dockerfile follows the policy. */
export function checkDockerfile(text: string, options: PolicyOptions): string[] {
  const problems: string[] = [];
  const dockerfile = DockerfileParser.parse(text);
  const line = (i: Instruction) => `line ${i.getRange().start.line + 1}`;
  const stages = dockerfile.getFROMs();
  const stageNames = new Set<string>();

  if (stages.length < 3)
    problems.push(`multi-stage: expected at least 3 stages (deps, build, runtime), found ${stages.length}`);
  for (const required of options.requiredStages ?? ['deps', 'build']) {
    if (!stages.some((f) => f.getBuildStage() === required))
      problems.push(`multi-stage: no stage named "${required}"`);
  }

  for (const from of stages) {
    const [image = ''] = from.getExpandedArguments().map((a) => a.getValue());
    const stage = from.getBuildStage();
    if (stageNames.has(image)) {
      if (stage) stageNames.add(stage);
      continue;
    }
    if (stage) stageNames.add(stage);
    if (image.includes('$')) {
      problems.push(`${line(from)}: base image "${image}" is not resolved by an ARG default`);
      continue;
    }
    const at = image.indexOf('@');
    const digest = at >= 0 ? image.slice(at + 1) : null;
    const nameTag = at >= 0 ? image.slice(0, at) : image;
    const colon = nameTag.lastIndexOf(':');
    const tag = colon > nameTag.lastIndexOf('/') ? nameTag.slice(colon + 1) : null;
    const name = tag === null ? nameTag : nameTag.slice(0, colon);
    if (digest !== null && !DIGEST.test(digest))
      problems.push(`${line(from)}: malformed digest in "${image}"`);
    if (digest === null && (tag === null || !EXACT_VERSION.test(tag))) {
      problems.push(
        `${line(from)}: base image "${image}" is not pinned (exact version tag or @sha256 digest)`,
      );
    }
    if (/(^|\/)node$/.test(name)) {
      const major = tag ? Number(EXACT_VERSION.exec(tag)?.[1] ?? tag.split(/[.-]/)[0]) : NaN;
      if (major !== options.nodeMajor) {
        problems.push(`${line(from)}: base image "${image}" is not on Node ${options.nodeMajor}`);
      }
    }
  }

  const instructions = dockerfile.getInstructions();
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    if (keyword === 'ADD') problems.push(`${line(instruction)}: ADD is not allowed (use COPY)`);
    if (keyword === 'RUN' && /\bnpm\s+(install|i)\b/.test(instruction.getArgumentsContent() ?? '')) {
      problems.push(`${line(instruction)}: use "npm ci" (lockfile) instead of "npm install"`);
    }
    if (instruction instanceof Arg || instruction instanceof Env) {
      const properties =
        instruction instanceof Arg ? [instruction.getProperty()] : instruction.getProperties();
      for (const name of properties.map((p) => p?.getName() ?? '')) {
        if (SECRET_NAME.test(name))
          problems.push(`${line(instruction)}: ${keyword} ${name} looks like a secret (use a build secret)`);
      }
    }
  }
  if (
    !instructions.some((i) => i.getKeyword() === 'RUN' && /\bnpm\s+ci\b/.test(i.getArgumentsContent() ?? ''))
  ) {
    problems.push('dependencies: no "npm ci" step');
  }

  const lastFrom = stages.at(-1)?.getRange().start.line ?? 0;
  const finalInstructions = instructions.filter((i) => i.getRange().start.line > lastFrom);
  const users = finalInstructions.filter((i) => i.getKeyword() === 'USER');
  const user = users.at(-1)?.getArgumentsContent()?.trim();
  if (!user) {
    problems.push('final stage: no USER (the image would run as root)');
  } else {
    const [uid, gid] = user.split(':');
    if (!/^\d+$/.test(uid ?? '') || (gid !== undefined && !/^\d+$/.test(gid))) {
      problems.push(
        `final stage: USER ${user} is not numeric (Kubernetes runAsNonRoot can only verify numeric IDs)`,
      );
    } else if (Number(uid) === 0) {
      problems.push('final stage: USER is root');
    }
  }
  const cmd = finalInstructions.filter((i) => i.getKeyword() === 'CMD').at(-1);
  if (!cmd) problems.push('final stage: no CMD');
  else if (jsonValues(cmd) === null) problems.push(`${line(cmd)}: CMD must use the exec (JSON array) form`);
  const entrypoint = finalInstructions.filter((i) => i.getKeyword() === 'ENTRYPOINT').at(-1);
  if (entrypoint && jsonValues(entrypoint) === null) {
    problems.push(`${line(entrypoint)}: ENTRYPOINT must use the exec (JSON array) form`);
  }
  return problems;
}

if (import.meta.main && process.argv[2] === '--print-bases') {
  for (const base of baseImages(readFileSync(process.argv[3] ?? 'Dockerfile', 'utf8'))) console.log(base);
} else if (import.meta.main) {
  const file = process.argv[2] ?? 'Dockerfile';
  const nodeMajor = Number(readFileSync('.nvmrc', 'utf8').trim().replace(/^v/, '').split('.')[0]);
  const problems = checkDockerfile(readFileSync(file, 'utf8'), { nodeMajor });
  for (const problem of problems) console.error(`dockerfile-policy: ${file}: ${problem}`);
  if (problems.length > 0) process.exit(1);
  console.log(`dockerfile-policy: ${file} follows the policy (Node ${nodeMajor})`);
}
