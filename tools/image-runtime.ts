// The runtime settings the production image gives Node (ENV in the Dockerfile's final stage), so the benchmark
// and the soak run the service the way the container runs it. One source: the Dockerfile; nothing is copied.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser, Env } from 'dockerfile-ast';

/** Variables that change how Node runs (memory, thread pool); the service's own settings are not taken. */
export const RUNTIME_VARIABLES = ['NODE_OPTIONS', 'MALLOC_ARENA_MAX', 'UV_THREADPOOL_SIZE'] as const;

/** The final stage's values of {@link RUNTIME_VARIABLES}; empty when the Dockerfile is missing. */
export function imageRuntimeEnv(root: string): Record<string, string> {
  const file = join(root, 'Dockerfile');
  if (!existsSync(file)) return {};
  return runtimeEnvOf(readFileSync(file, 'utf8'));
}

export function runtimeEnvOf(dockerfileText: string): Record<string, string> {
  const dockerfile = DockerfileParser.parse(dockerfileText);
  const stages = dockerfile.getFROMs();
  const finalStageStart = stages.at(-1)?.getRange().start.line ?? 0;
  const env: Record<string, string> = {};
  for (const instruction of dockerfile.getInstructions()) {
    if (!(instruction instanceof Env) || instruction.getRange().start.line < finalStageStart) continue;
    for (const property of instruction.getProperties()) {
      const name = property.getName();
      const value = property.getValue();
      if ((RUNTIME_VARIABLES as readonly string[]).includes(name) && value !== null) env[name] = value;
    }
  }
  return env;
}
