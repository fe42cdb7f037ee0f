// The runtime settings the production image gives Node (the ENV and the node flags of the CMD in the Dockerfile's
// final stage), so the benchmark and the soak run the service the way the container runs it. One source: the
// Dockerfile; nothing is copied.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cmd, DockerfileParser, Env } from 'dockerfile-ast';

/** Variables that change how Node runs (memory, thread pool); the service's own settings are not taken. */
export const RUNTIME_VARIABLES = ['NODE_OPTIONS', 'MALLOC_ARENA_MAX', 'UV_THREADPOOL_SIZE'] as const;

export interface ImageRuntime {
  /** The final stage's values of {@link RUNTIME_VARIABLES}. */
  env: Record<string, string>;
  /**
   * The flags between `node` and the script in the final stage's exec-form CMD (V8 flags such as `--no-maglev`
   * are not allowed in NODE_OPTIONS, so the image passes them on the command line).
   */
  nodeArgs: string[];
}

/** The image's runtime settings; empty when the Dockerfile is missing. */
export function imageRuntime(root: string): ImageRuntime {
  const file = join(root, 'Dockerfile');
  if (!existsSync(file)) return { env: {}, nodeArgs: [] };
  return runtimeOf(readFileSync(file, 'utf8'));
}

export function runtimeOf(dockerfileText: string): ImageRuntime {
  const dockerfile = DockerfileParser.parse(dockerfileText);
  const finalStageStart = dockerfile.getFROMs().at(-1)?.getRange().start.line ?? 0;
  const env: Record<string, string> = {};
  let command: string[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getRange().start.line < finalStageStart) continue;
    if (instruction instanceof Env) {
      for (const property of instruction.getProperties()) {
        const name = property.getName();
        const value = property.getValue();
        if ((RUNTIME_VARIABLES as readonly string[]).includes(name) && value !== null) env[name] = value;
      }
    } else if (instruction instanceof Cmd) {
      // The last CMD wins, as in Docker; only the exec (JSON) form names its arguments unambiguously.
      command = instruction.getJSONStrings().map((argument) => argument.getJSONValue());
    }
  }
  return { env, nodeArgs: nodeFlagsOf(command) };
}

/** `["node", "--a", "--b", "main.js"]` -> `["--a", "--b"]`; nothing when the command does not start with node. */
function nodeFlagsOf(command: readonly string[]): string[] {
  if (command[0] !== 'node') return [];
  const flags: string[] = [];
  for (const argument of command.slice(1)) {
    if (!argument.startsWith('-')) break;
    flags.push(argument);
  }
  return flags;
}

/** One line for logs: `NODE_OPTIONS=... MALLOC_ARENA_MAX=2 node --no-maglev`. */
export function describeRuntime(runtime: ImageRuntime): string {
  const parts = Object.entries(runtime.env).map(([name, value]) => `${name}=${value}`);
  if (runtime.nodeArgs.length > 0) parts.push(`node ${runtime.nodeArgs.join(' ')}`);
  return parts.join(' ');
}
