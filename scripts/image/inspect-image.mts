// Checks a built image's configuration and filesystem (run by scripts/verify-image.sh).
// Usage: node scripts/image/inspect-image.mts IMAGE_JSON ROOTFS VERSION REVISION
//   IMAGE_JSON: `buildah inspect --type image` output; ROOTFS: the mounted root filesystem of a container of it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface OciConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  ExposedPorts?: Record<string, object>;
  Labels?: Record<string, string>;
  StopSignal?: string;
}
interface BuildahImage {
  OCIv1: { config: OciConfig };
  Docker?: { config?: { Healthcheck?: unknown } };
}

export const APP_COMMAND = ['node', '--no-maglev', 'dist/apps/skill-service/src/main.js'];

export function checkImageConfig(
  image: BuildahImage,
  expected: { version: string; revision: string },
): string[] {
  const problems: string[] = [];
  const config = image.OCIv1.config;
  const [uid, gid] = (config.User ?? '').split(':');
  if (!/^[1-9]\d*$/.test(uid ?? '') || !/^\d+$/.test(gid ?? ''))
    problems.push(`User "${config.User}" is not a numeric non-root uid:gid`);
  if ((config.Entrypoint ?? []).length > 0)
    problems.push(`Entrypoint ${JSON.stringify(config.Entrypoint)} is set (expected none)`);
  if (JSON.stringify(config.Cmd) !== JSON.stringify(APP_COMMAND))
    problems.push(`Cmd ${JSON.stringify(config.Cmd)} != ${JSON.stringify(APP_COMMAND)}`);
  if (config.WorkingDir !== '/app') problems.push(`WorkingDir ${config.WorkingDir} != /app`);
  if (!(config.Env ?? []).includes('NODE_ENV=production')) problems.push('Env lacks NODE_ENV=production');
  for (const port of ['3000/tcp', '9464/tcp'])
    if (!config.ExposedPorts?.[port]) problems.push(`port ${port} is not exposed`);
  if (config.StopSignal !== 'SIGTERM') problems.push(`StopSignal ${config.StopSignal} != SIGTERM`);
  if (image.Docker?.config?.Healthcheck)
    problems.push('a HEALTHCHECK is set (the probes in the chart are the health story)');
  const labels = config.Labels ?? {};
  const wanted: Record<string, string | null> = {
    'org.opencontainers.image.title': 'skill-service',
    'org.opencontainers.image.version': expected.version,
    'org.opencontainers.image.revision': expected.revision,
    'org.opencontainers.image.source': null,
    'org.opencontainers.image.created': null,
  };
  for (const [key, value] of Object.entries(wanted)) {
    if (!labels[key]) problems.push(`label ${key} is missing`);
    else if (value !== null && labels[key] !== value)
      problems.push(`label ${key}=${labels[key]} != ${value}`);
  }
  return problems;
}

function walk(dir: string, visit: (path: string) => void): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    visit(path);
    if (entry.isDirectory()) walk(path, visit);
  }
}

export function checkImageFilesystem(
  rootfs: string,
  packageJson: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> },
): string[] {
  const problems: string[] = [];
  const app = join(rootfs, 'app');
  const entries = readdirSync(app).sort();
  if (JSON.stringify(entries) !== JSON.stringify(['dist', 'node_modules', 'package.json'])) {
    problems.push(`/app holds ${entries.join(', ')} (expected dist, node_modules, package.json)`);
  }
  for (const dep of Object.keys(packageJson.dependencies ?? {})) {
    if (!existsSync(join(app, 'node_modules', dep, 'package.json')))
      problems.push(`production dependency ${dep} is missing`);
  }
  for (const dep of Object.keys(packageJson.devDependencies ?? {})) {
    // A dev dependency may also be a transitive production dependency; the tools below never are.
    if (
      ['typescript', 'jest', 'eslint', '@nestjs/cli', 'ts-jest', 'prettier'].includes(dep) &&
      existsSync(join(app, 'node_modules', dep))
    ) {
      problems.push(`development dependency ${dep} is in the runtime image`);
    }
  }
  for (const path of [
    'usr/local/lib/node_modules/npm',
    'usr/local/bin/npm',
    'usr/local/bin/npx',
    'run/secrets/npm_ca',
  ]) {
    if (existsSync(join(rootfs, path))) problems.push(`/${path} is in the runtime image`);
  }
  walk(app, (path) => {
    const rel = path.slice(rootfs.length);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (/\.(spec|e2e-spec)\.(js|ts)$/.test(rel) && rel.startsWith('/app/dist/'))
      problems.push(`test file ${rel} is in the image`);
    if (/(^|\/)\.env(\.|$)|\.pem$|\.key$/.test(rel) && rel.startsWith('/app/dist/'))
      problems.push(`secret-like file ${rel} is in the image`);
    if (stat.uid !== 0 || (stat.mode & 0o002) !== 0)
      problems.push(
        `${rel} is writable by the service user (owner ${stat.uid}, mode ${(stat.mode & 0o777).toString(8)})`,
      );
  });
  return problems;
}

if (import.meta.main) {
  const [imageJson, rootfs, version, revision] = process.argv.slice(2);
  if (!imageJson || !rootfs || !version || !revision) {
    console.error('usage: inspect-image.mts IMAGE_JSON ROOTFS VERSION REVISION');
    process.exit(2);
  }
  const image = JSON.parse(readFileSync(imageJson, 'utf8')) as BuildahImage;
  const packageJson = JSON.parse(readFileSync(join(rootfs, 'app', 'package.json'), 'utf8')) as Parameters<
    typeof checkImageFilesystem
  >[1];
  const problems = [
    ...checkImageConfig(image, { version, revision }),
    ...checkImageFilesystem(rootfs, packageJson),
  ];
  for (const problem of problems.slice(0, 50)) console.error(`inspect-image: ${problem}`);
  if (problems.length > 0) {
    console.error(`inspect-image: FAILED (${problems.length} problems)`);
    process.exit(1);
  }
  let files = 0;
  walk(join(rootfs, 'app', 'node_modules'), () => files++);
  console.log(
    `inspect-image: configuration and filesystem OK (user ${image.OCIv1.config.User}, ${files} files in node_modules)`,
  );
}
