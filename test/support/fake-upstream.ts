import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * How the fake answers one request: a status with a body (objects are sent as JSON) and headers; `hang` (never
 * answers: the client's timeout decides); `reset` (the connection is destroyed: ECONNRESET).
 */
export type UpstreamAnswer =
  { status: number; body?: unknown; headers?: Record<string, string> } | 'hang' | 'reset';

export interface UpstreamRequest {
  method: string;
  /** Path with query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A route: a method and an exact path (query ignored) or a pattern for the path. */
type PathMatch = string | RegExp;

interface Route {
  method: string;
  path: PathMatch;
  standing?: UpstreamAnswer;
  queued: UpstreamAnswer[];
}

const NO_ROUTE: UpstreamAnswer = { status: 404, body: { error: 'the fake upstream has no route for this' } };

export interface FakeUpstream {
  /** `http://127.0.0.1:<port>`, fixed for the fake's life (also across `down()`/`up()`). */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: readonly UpstreamRequest[];
  /** The answer to every request of a route, after the scripted ones. */
  route(method: string, path: PathMatch, answer: UpstreamAnswer): FakeUpstream;
  /** The next answers of a route, once each and in order; then the route's standing answer. */
  script(method: string, path: PathMatch, ...answers: UpstreamAnswer[]): FakeUpstream;
  /** Resolves with the next request the fake receives (call it before the request is sent). */
  nextRequest(): Promise<UpstreamRequest>;
  /** Stops accepting connections and drops the open ones: connections are refused until `up()`. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** A programmable HTTP upstream on 127.0.0.1 for tests: real sockets, answers per route, recorded requests. */
export async function startFakeUpstream(): Promise<FakeUpstream> {
  const routes: Route[] = [];
  const requests: UpstreamRequest[] = [];
  const waiting: Array<(request: UpstreamRequest) => void> = [];
  const sockets = new Set<Socket>();

  const routeOf = (method: string, path: PathMatch): Route => {
    const key = String(path);
    let route = routes.find((r) => r.method === method && String(r.path) === key);
    if (!route) routes.push((route = { method, path, queued: [] }));
    return route;
  };
  /** A scripted answer of any matching route first, then a standing one; exact paths before patterns. */
  const answerFor = (method: string, pathname: string): UpstreamAnswer => {
    const matching = routes
      .filter(
        (r) =>
          r.method === method && (typeof r.path === 'string' ? r.path === pathname : r.path.test(pathname)),
      )
      .sort((a, b) => Number(typeof a.path !== 'string') - Number(typeof b.path !== 'string'));
    const scripted = matching.find((r) => r.queued.length > 0);
    return scripted?.queued.shift() ?? matching.find((r) => r.standing)?.standing ?? NO_ROUTE;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const url = req.url ?? '/';
      const request = { method, url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      for (const resolve of waiting.splice(0)) resolve(request);
      const answer = answerFor(method, new URL(url, 'http://fake').pathname);
      if (answer === 'hang') return;
      if (answer === 'reset') return void req.socket.destroy();
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(text);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = async (port: number) => {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
  };
  const stop = async () => {
    const closed = once(server, 'close');
    server.close();
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const fake: FakeUpstream = {
    url: `http://127.0.0.1:${port}`,
    requests,
    route(method, path, answer) {
      routeOf(method, path).standing = answer;
      return fake;
    },
    script(method, path, ...answers) {
      routeOf(method, path).queued.push(...answers);
      return fake;
    },
    nextRequest: () => new Promise((resolve) => waiting.push(resolve)),
    down: stop,
    up: () => listen(port),
    close: async () => {
      if (server.listening) await stop();
    },
  };
  return fake;
}
