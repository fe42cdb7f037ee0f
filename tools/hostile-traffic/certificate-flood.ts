// The certificate-cache flood against the built service (docs/reliability.md, "Hostile traffic before
// authentication"), measured: for --seconds, --attackers clients send unsigned requests (random `Signature-256`,
// fresh timestamps), each naming a new certificate URL. `--attack query`: query variants of Amazon's own URL, one
// S3 object under ever new URLs. `--attack objects`: no query; in turn one of 8 other objects that hold a valid
// chain and an object that does not exist. Every download takes --download-ms (as S3 may). Meanwhile Amazon sends
// --signed-rps correctly signed requests per second (a pod's share of a skill's traffic is often small). Prints how
// many of those were answered 200, their latency, what the flood was refused with, and how many downloads it
// caused.
//
//   npm run build && node tools/hostile-traffic/certificate-flood.ts [--attack query|objects] [--seconds 20] \
//     [--attackers 32] [--download-ms 100] [--signed-rps 2]
//
// Starts dist/apps/skill-service/src/main.js with the image's Node settings and ALEXA_CERT_SOURCE=file:<dir>,
// made slow by the preload slow-certificate-source.cjs. Erasable TypeScript, run directly by Node 24.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync, existsSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { alexaRequest, DEFAULT_SKILL_ID } from '../alexa-request/envelope.ts';
import { signRequest } from '../alexa-request/sign.ts';
import { DEV_CERT_URL, ensureDevCerts, loadDevSigningIdentity } from '../dev-certs.ts';
import { describeRuntime, imageRuntime } from '../image-runtime.ts';
import { cpuMicros } from '../process-stats.ts';
import { exchange } from '../soak/http-client.ts';
import { percentile } from '../soak/report.ts';
import { ServiceProcess } from '../soak/service-process.ts';

const OTHER_OBJECTS = 8;
const ENDPOINT = '/alexa';

const { values } = parseArgs({
  options: {
    attack: { type: 'string', default: 'query' },
    seconds: { type: 'string', default: '20' },
    attackers: { type: 'string', default: '32' },
    'download-ms': { type: 'string', default: '100' },
    'signed-rps': { type: 'string', default: '2' },
  },
});
const seconds = Number(values.seconds);
const attackers = Number(values.attackers);
const downloadMs = Number(values['download-ms']);
const signedRps = Number(values['signed-rps']);
const mode = values.attack;
if (mode !== 'query' && mode !== 'objects') throw new Error('--attack must be query or objects');

function attackUrl(n: number): string {
  if (mode === 'query') return `${DEV_CERT_URL}?v=${n}`;
  return n % 2 === 0
    ? `https://s3.amazonaws.com/echo.api/echo-api-cert-other-${(n / 2) % OTHER_OBJECTS}.pem`
    : `https://s3.amazonaws.com/echo.api/echo-api-cert-missing-${n}.pem`;
}

function failuresByCheck(metrics: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [, check, value] of metrics.matchAll(
    /^alexa_verification_failures_total\{check="(\w+)"\} (\S+)$/gm,
  )) {
    counts[check] = Number(value);
  }
  return counts;
}

function increase(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([check, n]) => [check, n - (before[check] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
}

async function main(): Promise<void> {
  const root = resolve(import.meta.dirname, '..', '..');
  if (!existsSync(join(root, 'dist/apps/skill-service/src/main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
  const certs = await ensureDevCerts(join(tmpdir(), 'alexa-flood-certs'));
  for (let k = 0; k < OTHER_OBJECTS; k++) {
    copyFileSync(certs.chainFile, join(certs.dir, `echo-api-cert-other-${k}.pem`));
  }
  const identity = await loadDevSigningIdentity(certs.dir);
  const runtime = imageRuntime(root);
  let downloads: number | undefined;
  const service = await ServiceProcess.start({
    root,
    keepOutput: false,
    env: {
      ALEXA_CERT_SOURCE: `file:${certs.dir}`,
      ALEXA_TRUSTED_CA_FILE: certs.caFile,
      ALEXA_SKILL_ID: DEFAULT_SKILL_ID,
      LOG_LEVEL: 'info',
      FLOOD_CERT_DOWNLOAD_MS: String(downloadMs),
      ...runtime.env,
    },
    nodeArgs: [...runtime.nodeArgs, '--require', join(import.meta.dirname, 'slow-certificate-source.cjs')],
    onLine: (line) => {
      const match = /^\{"certificateDownloads":(\d+)\}$/.exec(line);
      if (match) downloads = Number(match[1]);
    },
  });
  // The preload's count arrives on stderr as the process ends; 'close' comes after the last output.
  const closed = once(service.child, 'close');
  const port = service.port;
  const signed = (agent: Agent) => {
    const body = alexaRequest().launch().timestamp(new Date()).body();
    const headers = { 'content-type': 'application/json', ...signRequest(body, identity) };
    return exchange({ port, method: 'POST', path: ENDPOINT, headers, body, agent });
  };
  const unsigned = (agent: Agent, url: string) => {
    const body = alexaRequest().launch().timestamp(new Date()).body();
    const headers = {
      'content-type': 'application/json',
      SignatureCertChainUrl: url,
      'Signature-256': randomBytes(256).toString('base64'),
    };
    return exchange({ port, method: 'POST', path: ENDPOINT, headers, body, agent });
  };

  try {
    const signedAgent = new Agent({ keepAlive: true });
    const warm = await signed(signedAgent);
    if (warm.status !== 200) throw new Error(`the warm-up request was answered ${warm.status ?? warm.error}`);
    const before = failuresByCheck(await service.metrics());
    const cpuBefore = cpuMicros(service.pid);
    const deadline = performance.now() + seconds * 1000;
    let attackCount = 0;
    const attackStatuses = new Map<string, number>();
    const attack = async (): Promise<void> => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      while (performance.now() < deadline) {
        const reply = await unsigned(agent, attackUrl(attackCount++));
        const key = String(reply.status ?? reply.error);
        attackStatuses.set(key, (attackStatuses.get(key) ?? 0) + 1);
      }
      agent.destroy();
    };
    const signedStatuses = new Map<string, number>();
    const signedLatencies: number[] = [];
    // Open loop, like Amazon: a request every 1/signedRps seconds, whether or not the last one was answered.
    const amazon = async (): Promise<void> => {
      const sent: Array<Promise<void>> = [];
      for (let next = performance.now(); next < deadline; next += 1000 / signedRps) {
        await new Promise((done) => setTimeout(done, Math.max(0, next - performance.now())));
        sent.push(
          signed(signedAgent).then((reply) => {
            const key = String(reply.status ?? reply.error);
            signedStatuses.set(key, (signedStatuses.get(key) ?? 0) + 1);
            signedLatencies.push(reply.doneAt - reply.sentAt);
          }),
        );
      }
      await Promise.all(sent);
    };
    await Promise.all([amazon(), ...Array.from({ length: attackers }, attack)]);
    const cpuUs = (cpuMicros(service.pid) ?? 0) - (cpuBefore ?? 0);
    const refused = increase(failuresByCheck(await service.metrics()), before);
    signedAgent.destroy();
    await service.stop();
    await closed;
    const sorted = signedLatencies.sort((a, b) => a - b);
    const signedTotal = sorted.length;
    const summary = {
      mode,
      seconds,
      attackers,
      downloadMs,
      signedRps,
      runtime: describeRuntime(runtime),
      signed: { total: signedTotal, byStatus: Object.fromEntries(signedStatuses) },
      signedLatencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 },
      flood: {
        total: attackCount,
        perSecond: Math.round(attackCount / seconds),
        byStatus: Object.fromEntries(attackStatuses),
      },
      refusedByCheck: refused,
      certificateDownloads: downloads,
      serviceCpuUsPerRequest: Math.round(cpuUs / (attackCount + signedTotal)),
    };
    process.stdout.write(
      `signed requests answered 200: ${signedStatuses.get('200') ?? 0} of ${signedTotal} ` +
        `(p50 ${summary.signedLatencyMs.p50.toFixed(1)} ms, p99 ${summary.signedLatencyMs.p99.toFixed(1)} ms)\n` +
        `flood: ${attackCount} unsigned requests (${summary.flood.perSecond}/s), refused ${JSON.stringify(refused)}, ` +
        `${downloads ?? '?'} certificate downloads\n${JSON.stringify(summary)}\n`,
    );
  } finally {
    await service.stop();
  }
}

await main();
