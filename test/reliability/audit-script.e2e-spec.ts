import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// scripts/audit.sh (no high or critical advisory in what ships, skipped with a warning only when the
// registry cannot answer), run against a local stand-in for the registry's audit endpoint.

const root = join(__dirname, '../..');

type Answer = 'advisory-high' | 'advisory-low' | 'clean' | '405' | '503';

function advisories(answer: Answer): Record<string, unknown> {
  const advisory = (severity: string) => ({
    id: 1,
    url: 'https://advisories.example.test/1',
    title: 'Planted advisory',
    severity,
    vulnerable_versions: '<99.0.0',
    cwe: [],
    cvss: { score: severity === 'high' ? 7.5 : 3.1 },
  });
  if (answer === 'advisory-high') return { fastify: [advisory('high')] };
  if (answer === 'advisory-low') return { fastify: [advisory('low')] };
  return {};
}

async function withRegistry(answer: Answer, run: (url: string) => Promise<void>): Promise<void> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/-/npm/v1/security/advisories/bulk')) {
        if (answer === '405' || answer === '503') res.writeHead(Number(answer), { allow: 'GET,HEAD' }).end();
        else
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(advisories(answer)));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{}'); // packuments: none here
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function audit(registry: string): Promise<{ code: number | null; output: string }> {
  // A cache of its own: npm reuses cached advisory details across runs, which would mix the planted answers.
  const cache = mkdtempSync(join(tmpdir(), 'audit-test-npm-cache-'));
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_registry: registry, npm_config_cache: cache };
  delete env.NODE_OPTIONS;
  return new Promise((resolve) => {
    const child = spawn('bash', ['scripts/audit.sh'], { cwd: root, env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => {
      rmSync(cache, { recursive: true, force: true });
      resolve({ code, output });
    });
  });
}

describe('scripts/audit.sh', () => {
  it('fails on a high advisory in a production dependency, naming it', () =>
    withRegistry('advisory-high', async (registry) => {
      const { code, output } = await audit(registry);
      expect(code).toBe(1);
      expect(output).toContain('high     fastify (direct)');
      expect(output).toContain('Planted advisory');
    }));

  it('passes with only a low advisory, and says what it found', () =>
    withRegistry('advisory-low', async (registry) => {
      const { code, output } = await audit(registry);
      expect(code).toBe(0);
      // Two low: fastify and the Nest adapter that depends on it.
      expect(output).toContain('no high or critical advisory (0 critical, 0 high, 0 moderate, 2 low');
    }));

  it.each<Answer>(['405', '503'])('skips with a loud warning when the audit endpoint answers %s', (answer) =>
    withRegistry(answer, async (registry) => {
      const { code, output } = await audit(registry);
      expect(code).toBe(0);
      expect(output).toContain(
        `WARNING: npm audit SKIPPED: the registry could not answer the audit (HTTP ${answer})`,
      );
      expect(output).toContain('were NOT checked');
    }),
  );
});
