// Fake music API (Spotify-Web-API-like) for tests and the local demo.
//
//   node tools/fake-music-api.ts --port 4010 [--host 127.0.0.1] [--token demo-token]... [--forbidden-token t]...
//
// Steer a running instance over its control endpoints, e.g.
//   curl -XPOST localhost:4010/__control/behave -d '{"mode":"fail","times":2}'
//   curl -XPOST localhost:4010/__control/behave -d '{"path":"/v1/me/player/play","mode":"no-device"}'
//   curl localhost:4010/__control/hits        curl -XPOST localhost:4010/__control/reset
//   curl localhost:4010/__control/requests    (method, path and traceparent of each request received)
// Tests import startFakeMusicApi() from this file instead.
import { parseArgs } from 'node:util';
import { startFakeMusicApi } from './fake-music-api/server.ts';

export { FAKE_MODES, parseBehaviour, startFakeMusicApi } from './fake-music-api/server.ts';
export type {
  FakeBehaviour,
  FakeMode,
  FakeMusicApi,
  FakeMusicApiOptions,
  FakeUser,
  RecordedDirective,
  RecordedRequest,
} from './fake-music-api/server.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string', multiple: true },
      'forbidden-token': { type: 'string', multiple: true },
    },
  });
  const tokens = values.token ?? ['demo-token', 'test-token'];
  const api = await startFakeMusicApi({
    port: Number(values.port),
    host: values.host,
    tokens,
    insufficientScopeTokens: values['forbidden-token'] ?? [],
  });
  console.log(`fake music API listening on ${api.url} (${tokens.length} token(s) accepted)`);
  // Ctrl-C reaches the demo's whole process group, and the demo script sends SIGTERM as well: close once.
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void api.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// Run only when started as a program; jest imports this file for startFakeMusicApi().
if (/fake-music-api\.ts$/.test(process.argv[1] ?? '') && process.env.JEST_WORKER_ID === undefined) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
