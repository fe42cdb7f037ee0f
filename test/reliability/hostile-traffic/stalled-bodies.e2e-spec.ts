import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_SKILL_ID } from '../../../tools/alexa-request/envelope.ts';
import { imageRuntime } from '../../../tools/image-runtime.ts';
import { processMemory } from '../../../tools/process-stats.ts';
import { ServiceProcess } from '../../../tools/soak/service-process.ts';
import { metricValue } from '../../support/test-app';
import { ALEXA_DEADLINE_MS, answered, SignedClient } from '../support/hostile-traffic';
import { signingIdentity } from '../support/signing-identity';

// Attack: 2,000 connections that each declare a 128 KiB body and send all of it but the last byte, then wait.
// Every such body is held in memory until the request timeout; unlimited, 2,000 of them took the service from
// 122 to 385 MiB, past the chart's 320 MiB limit. The limit: MAX_CONNECTIONS (1,000 by default; the chart
// derives it from the pod's memory), so connections beyond it are closed on arrival, unread. The built service
// runs as the container runs it (the image's Node settings), with its default limits.

const root = join(__dirname, '../../..');
const STALLED = 2_000;
const BODY_LIMIT = 131_072;
/** The chart's default memory limit. */
const POD_LIMIT_MIB = 320;

/** Opens a connection that sends all but the last byte of a body of BODY_LIMIT bytes; resolves once written. */
function stalledBody(port: number, chunk: Buffer): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    // A connection the service closes on arrival ends here too.
    socket.once('close', () => resolve(socket));
    socket.once('connect', () => {
      socket.write(
        `POST /alexa HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${BODY_LIMIT}\r\n\r\n`,
      );
      socket.write(chunk, () => resolve(socket));
    });
  });
}

describe('hostile traffic: stalled bodies on many connections (built service)', () => {
  let service: ServiceProcess;

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist/apps/skill-service/src/main.js'))) {
      throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    }
    const signing = await signingIdentity();
    const runtime = imageRuntime(root);
    service = await ServiceProcess.start({
      root,
      nodeArgs: runtime.nodeArgs,
      env: {
        ...runtime.env,
        ...signing.env,
        ALEXA_SKILL_ID: DEFAULT_SKILL_ID,
        LOG_LEVEL: 'warn',
      },
    });
  });
  afterAll(() => service?.stop());

  it(`keeps memory under ${POD_LIMIT_MIB} MiB and answers signed requests with 200 while ${STALLED} bodies stall`, async () => {
    const signing = await signingIdentity();
    const signed = await SignedClient.open(service.port, signing.identity);
    const rssBefore = processMemory(service.pid)!.rssMb;

    const chunk = Buffer.alloc(BODY_LIMIT - 1, 0x61);
    const sockets = await Promise.all(
      Array.from({ length: STALLED }, () => stalledBody(service.port, chunk)),
    );
    const during = await signed.sendMany(20);
    const peak = processMemory(service.pid)!.peakRssMb;
    const dropped = metricValue(await service.metrics(), 'http_connections_dropped_total');
    for (const socket of sockets) socket.destroy();
    signed.close();

    expect(answered(during).statuses).toEqual(['200']);
    expect(answered(during).slowestMs).toBeLessThan(ALEXA_DEADLINE_MS);
    // Beyond its connection limit the service closed connections on arrival, unread.
    expect(dropped).toBeGreaterThan(0);
    expect(peak).toBeLessThan(POD_LIMIT_MIB);
    process.stderr.write(
      `[hostile-traffic] stalled bodies: ${STALLED - dropped} of ${STALLED} held, RSS ${Math.round(rssBefore)} -> peak ${Math.round(peak)} MiB\n`,
    );
  });
});
