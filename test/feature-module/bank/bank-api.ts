import { once, EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the fake bank answers one request: a status and JSON body, or no answer at all. */
export type BankReply = { status: number; body?: unknown } | 'hang';

export interface BankCall {
  url: string;
  authorization: string | undefined;
}

/** A bank API on 127.0.0.1 that answers from a script (then 200 with a balance) and records each call. */
export async function startBankApi() {
  const script: BankReply[] = [];
  const calls: BankCall[] = [];
  const events = new EventEmitter();
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    calls.push({ url: req.url ?? '', authorization: req.headers.authorization });
    events.emit('call');
    const reply = script.shift() ?? { status: 200, body: { name: 'checking', balance: 1250 } };
    if (reply === 'hang') return;
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body ?? { error: 'unavailable' }));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    /** The next answers, in order. */
    script: (...replies: BankReply[]) => void script.push(...replies),
    /** Resolves at the next call the bank receives. */
    nextCall: () => once(events, 'call'),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
