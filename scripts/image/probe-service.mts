// Probes a service started by scripts/image/run-image.sh: waits for readiness, checks liveness, that /metrics is
// served on the metrics port and not on the app port, the process's user, then sends SIGTERM and waits for the
// process to end within the drain timeout.
// Usage: node probe-service.mts --pid PID --port 3000 --metrics-port 9464 --drain-ms 5000 --uid 1000
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    pid: { type: 'string' },
    port: { type: 'string', default: '3000' },
    'metrics-port': { type: 'string', default: '9464' },
    'drain-ms': { type: 'string', default: '10000' },
    uid: { type: 'string', default: '1000' },
    'ready-timeout-ms': { type: 'string', default: '30000' },
  },
});
const pid = Number(values.pid);
const base = `http://127.0.0.1:${values.port}`;
const metricsBase = `http://127.0.0.1:${values['metrics-port']}`;

function alive(): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return { status: response.status, body: await response.text() };
}
function fail(message: string): never {
  console.error(`probe-service: FAILED: ${message}`);
  process.exit(1);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const started = Date.now();
let ready = false;
while (Date.now() - started < Number(values['ready-timeout-ms'])) {
  if (!alive()) fail('the service exited before it became ready');
  try {
    if ((await get(`${base}/health/ready`)).status === 200) {
      ready = true;
      break;
    }
  } catch {
    // not listening yet
  }
  await sleep(200);
}
if (!ready) fail(`GET ${base}/health/ready did not answer 200 within ${values['ready-timeout-ms']} ms`);
console.log(`probe-service: ready after ${Date.now() - started} ms (GET /health/ready -> 200)`);

const live = await get(`${base}/health/live`);
if (live.status !== 200) fail(`GET /health/live -> ${live.status}`);
const metrics = await get(`${metricsBase}/metrics`);
if (metrics.status !== 200 || !/^# (HELP|TYPE) /m.test(metrics.body))
  fail(`GET :${values['metrics-port']}/metrics -> ${metrics.status} without Prometheus text`);
if (!/^process_cpu_user_seconds_total /m.test(metrics.body))
  fail('/metrics lacks the default process metrics');
const leaked = await get(`${base}/metrics`);
if (leaked.status === 200) fail('/metrics is served on the app port (the ingress would expose it)');
console.log(`probe-service: /health/live 200, /metrics on :${values['metrics-port']} only`);

const status = readFileSync(`/proc/${pid}/status`, 'utf8');
const uid = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
const capEff = /^CapEff:\s+([0-9a-f]+)/m.exec(status)?.[1];
if (!uid || uid[1] !== values.uid || uid[2] !== values.uid)
  fail(`the process runs as uid ${uid?.[1]}, expected ${values.uid}`);
if (capEff && /[1-9a-f]/.test(capEff)) fail(`the process has effective capabilities ${capEff}`);
console.log(`probe-service: runs as uid ${values.uid} with no capabilities`);

process.kill(pid, 'SIGTERM');
const termAt = Date.now();
const deadline = termAt + Number(values['drain-ms']) + 5000;
while (alive()) {
  // A zombie (exited, not yet reaped by the parent shell) counts as ended.
  let state: string | undefined;
  try {
    state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  } catch {
    break;
  }
  if (state === 'Z') break;
  if (Date.now() > deadline)
    fail(`the service did not exit within ${Number(values['drain-ms']) + 5000} ms of SIGTERM`);
  await sleep(100);
}
console.log(`probe-service: exited ${Date.now() - termAt} ms after SIGTERM`);
