// The Dockerfile policy (scripts/image/dockerfile-policy.mts) on the real Dockerfile and on variants that break
// each rule, the .dockerignore allow-list, and the image-configuration checks scripts/verify-image.sh applies.
// Run: node --test test/deploy/image-policy.test.mts   (scripts/verify-image.sh runs it)
/* eslint-disable @typescript-eslint/no-floating-promises -- node:test suites return promises the runner awaits */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from '../../scripts/chart/chart.mts';
import { baseImages, checkDockerfile } from '../../scripts/image/dockerfile-policy.mts';
import { APP_COMMAND, checkImageConfig } from '../../scripts/image/inspect-image.mts';
import { runtimeOf } from '../../tools/image-runtime.ts';

const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
const nodeMajor = Number(readFileSync(join(REPO, '.nvmrc'), 'utf8').trim().replace(/^v/, ''));
const check = (text: string) => checkDockerfile(text, { nodeMajor });

describe('the Dockerfile policy', () => {
  it('accepts the project Dockerfile', () => {
    assert.deepEqual(check(dockerfile), []);
  });

  it('pins the base to an exact Node version of the project major', () => {
    const [base] = baseImages(dockerfile);
    assert.match(base, new RegExp(`^node:${nodeMajor}\\.\\d+\\.\\d+-bookworm-slim$`));
  });

  const variants: [string, (d: string) => string, RegExp][] = [
    [
      'a floating base tag',
      (d) => d.replace(/ARG NODE_IMAGE=.*/, 'ARG NODE_IMAGE=node:24-bookworm-slim'),
      /is not pinned/,
    ],
    [
      'another Node major',
      (d) => d.replace(/ARG NODE_IMAGE=node:\d+/, 'ARG NODE_IMAGE=node:22'),
      /is not on Node 24/,
    ],
    [
      'a digest pin (accepted)',
      (d) => d.replace(/ARG NODE_IMAGE=(\S+)/, `ARG NODE_IMAGE=$1@sha256:${'a'.repeat(64)}`),
      /^$/,
    ],
    ['ADD', (d) => d.replace('COPY apps ./apps', 'ADD apps ./apps'), /ADD is not allowed/],
    ['npm install', (d) => d.replace('npm ci --ignore-scripts', 'npm install'), /use "npm ci"/],
    [
      'a secret in ARG',
      (d) => d.replace('ARG VERSION=0.0.0-dev', 'ARG NPM_TOKEN'),
      /ARG NPM_TOKEN looks like a secret/,
    ],
    [
      'a secret in ENV',
      (d) => d.replace('ENV NODE_ENV=production', 'ENV API_KEY=x NODE_ENV=production'),
      /ENV API_KEY looks like a secret/,
    ],
    ['a named user', (d) => d.replace('USER 1000:1000', 'USER node'), /is not numeric/],
    ['root', (d) => d.replace('USER 1000:1000', 'USER 0:0'), /USER is root/],
    ['no USER', (d) => d.replace('USER 1000:1000\n', ''), /no USER/],
    [
      'shell-form CMD',
      (d) => d.replace(/CMD \[.*\]/, 'CMD node dist/apps/skill-service/src/main.js'),
      /CMD must use the exec/,
    ],
    [
      'shell-form ENTRYPOINT',
      (d) => d.replace('ENTRYPOINT []', 'ENTRYPOINT node'),
      /ENTRYPOINT must use the exec/,
    ],
    [
      'a single stage',
      (d) => d.slice(d.indexOf('FROM ${NODE_IMAGE} AS runtime')).replace(/COPY --from=\S+/g, 'COPY'),
      /expected at least 3 stages/,
    ],
  ];
  for (const [name, mutate, expected] of variants) {
    it(`${expected.source === '^$' ? 'accepts' : 'refuses'} ${name}`, () => {
      const mutated = mutate(dockerfile);
      assert.notEqual(mutated, dockerfile, 'the mutation applies');
      const problems = check(mutated).join('\n');
      assert.match(problems, expected);
    });
  }
});

describe('the start command', () => {
  it('is the same in the Dockerfile, package.json (start:prod) and the image checks', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    assert.deepEqual(JSON.parse(cmd ?? 'null'), APP_COMMAND);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    assert.equal(pkg.scripts['start:prod'], APP_COMMAND.join(' '));
  });
});

describe('the Node runtime settings of the image', () => {
  it('are set in the final stage, where the benchmark reads them', () => {
    const { env, nodeArgs } = runtimeOf(dockerfile);
    assert.match(env.NODE_OPTIONS ?? '', /--max-semi-space-size=\d+/);
    assert.match(env.NODE_OPTIONS ?? '', /--max-old-space-size=\d+/);
    assert.match(env.MALLOC_ARENA_MAX ?? '', /^\d+$/);
    assert.match(env.UV_THREADPOOL_SIZE ?? '', /^\d+$/);
    assert.deepEqual(nodeArgs, ['--no-maglev']);
  });

  it("keeps the old-generation ceiling inside the chart's memory limit, with room for the rest of the process", () => {
    const oldSpaceMb = Number(
      /--max-old-space-size=(\d+)/.exec(runtimeOf(dockerfile).env.NODE_OPTIONS ?? '')?.[1],
    );
    const values = readFileSync(join(REPO, 'helm/skill-service/values.yaml'), 'utf8');
    const limit = /limits:\s*\n\s*memory:\s*(\d+)Mi/.exec(values)?.[1];
    assert.ok(limit, 'values.yaml sets resources.limits.memory in Mi');
    // The rest: the young generation (2 x 8 MB), code, the node binary's pages and native memory (about 110 MB
    // measured at peak by npm run bench, docs/performance.md).
    assert.ok(
      oldSpaceMb + 120 <= Number(limit),
      `${oldSpaceMb} MB old space + 120 MB > the ${limit}Mi limit`,
    );
  });

  it('takes the node flags of the exec-form CMD, not the script or its arguments', () => {
    const text = 'FROM node:24.1.0\nCMD ["node", "--no-maglev", "--stack-size=900", "main.js", "--port"]\n';
    assert.deepEqual(runtimeOf(text).nodeArgs, ['--no-maglev', '--stack-size=900']);
    assert.deepEqual(runtimeOf('FROM node:24.1.0\nCMD ["main.js"]\n').nodeArgs, []);
    assert.deepEqual(runtimeOf('FROM node:24.1.0\nCMD node --no-maglev main.js\n').nodeArgs, []);
  });

  it('ignores the build stages', () => {
    const text =
      'FROM node:24.1.0 AS build\nENV UV_THREADPOOL_SIZE=9\nFROM node:24.1.0\nENV MALLOC_ARENA_MAX=2\n';
    assert.deepEqual(runtimeOf(text).env, { MALLOC_ARENA_MAX: '2' });
  });
});

describe('.dockerignore', () => {
  const lines = readFileSync(join(REPO, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('is an allow-list of what the Dockerfile copies', () => {
    assert.equal(lines[0], '*');
    const allowed = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    assert.deepEqual(allowed.sort(), [
      'apps',
      'libs',
      'nest-cli.json',
      'package-lock.json',
      'package.json',
      'patches',
      'tsconfig.build.json',
      'tsconfig.json',
    ]);
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(/\s+/));
    for (const source of copied)
      assert.ok(allowed.includes(source.replace(/\/$/, '')), `COPY ${source} is allowed by .dockerignore`);
  });

  it('keeps tests and secrets out of the allowed folders', () => {
    for (const pattern of ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/.env', '**/*.pem', '**/*.key'])
      assert.ok(lines.includes(pattern), pattern);
  });
});

describe('the image configuration check', () => {
  const good = {
    OCIv1: {
      config: {
        User: '1000:1000',
        Env: ['PATH=/usr/bin', 'NODE_ENV=production'],
        Entrypoint: null,
        Cmd: APP_COMMAND,
        WorkingDir: '/app',
        ExposedPorts: { '3000/tcp': {}, '9464/tcp': {} },
        StopSignal: 'SIGTERM',
        Labels: {
          'org.opencontainers.image.title': 'skill-service',
          'org.opencontainers.image.version': '1.0.0',
          'org.opencontainers.image.revision': 'abc',
          'org.opencontainers.image.source': 'https://example.invalid',
          'org.opencontainers.image.created': '2026-01-01T00:00:00Z',
        },
      },
    },
  };
  const expected = { version: '1.0.0', revision: 'abc' };

  it('accepts a conforming image', () => {
    assert.deepEqual(checkImageConfig(good, expected), []);
  });

  it('refuses root, a shell entrypoint, a missing label and a healthcheck', () => {
    const bad = structuredClone(good) as typeof good & { Docker: { config: { Healthcheck: object } } };
    bad.OCIv1.config.User = '0:0';
    (bad.OCIv1.config as { Entrypoint: string[] | null }).Entrypoint = ['docker-entrypoint.sh'];
    delete (bad.OCIv1.config.Labels as Record<string, string>)['org.opencontainers.image.revision'];
    bad.Docker = { config: { Healthcheck: { Test: ['CMD', 'true'] } } };
    const problems = checkImageConfig(bad, expected).join('\n');
    assert.match(problems, /not a numeric non-root/);
    assert.match(problems, /Entrypoint/);
    assert.match(problems, /org\.opencontainers\.image\.revision is missing/);
    assert.match(problems, /HEALTHCHECK/);
  });
});
