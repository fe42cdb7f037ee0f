// The patches of patches/ are in effect where the service runs: installed by npm ci (postinstall) and by the
// Dockerfile's deps stage, and doing what they are for.
// Run: node --test test/deploy/runtime-patches.test.mts   (scripts/verify-chart.sh runs test/deploy/*.test.mts)
/* eslint-disable @typescript-eslint/no-floating-promises -- node:test suites return promises the runner awaits */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from '../../scripts/chart/chart.mts';

const patches = readdirSync(join(REPO, 'patches')).filter((name) => name.endsWith('.patch'));

describe('dependency patches', () => {
  it('are applied after every npm install and in the image build', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    assert.equal(pkg.scripts.postinstall, 'patch-package --error-on-fail');
    assert.ok(pkg.devDependencies['patch-package'], 'patch-package is a development dependency');
    const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    const deps = dockerfile.slice(dockerfile.indexOf(' AS deps'), dockerfile.indexOf(' AS build'));
    assert.match(deps, /^COPY patches \.\/patches$/m);
    assert.match(deps, /npm ci [^\n]*\\\n\s+&& npx --no-install patch-package --error-on-fail/);
  });

  it('each one is listed in patches/README.md and matches an installed version', () => {
    const readme = readFileSync(join(REPO, 'patches', 'README.md'), 'utf8');
    assert.ok(patches.length > 0);
    for (const patch of patches) {
      assert.ok(readme.includes(`\`${patch}\``), `${patch} is explained in patches/README.md`);
      const [, name, version] = /^(.+)\+(\d+\.\d+\.\d+)\.patch$/.exec(patch) ?? [];
      const installed = JSON.parse(
        readFileSync(join(REPO, 'node_modules', name.replace('+', '/'), 'package.json'), 'utf8'),
      ) as { version: string };
      assert.equal(installed.version, version, `${patch} is made for the installed ${name}`);
    }
  });
});

describe('@nestjs/common: the console logger builds its date formatter on first use', () => {
  // A child process, so the module is loaded fresh and every Intl.DateTimeFormat built is counted.
  const probe = `
    let built = 0;
    const Original = Intl.DateTimeFormat;
    Intl.DateTimeFormat = function (...args) { built += 1; return new Original(...args); };
    const { ConsoleLogger, Logger } = await import('@nestjs/common');
    const atLoad = built;
    const stamps = [new ConsoleLogger().getTimestamp(), Logger.getTimestamp(), new ConsoleLogger().getTimestamp()];
    console.log(JSON.stringify({ atLoad, afterUse: built, stamps }));
  `;
  const result = JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: REPO, encoding: 'utf8' }),
  ) as { atLoad: number; afterUse: number; stamps: string[] };

  it('builds none when the module loads', () => {
    assert.equal(result.atLoad, 0);
  });

  it('still prints timestamps, building each formatter once', () => {
    assert.equal(result.afterUse, 2);
    for (const stamp of result.stamps) assert.match(stamp, /\d{1,2}:\d{2}:\d{2}/);
  });
});
