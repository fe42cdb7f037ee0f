import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { AlexaApiClient, AlexaApiEndpointRefusedError } from './alexa-api.client';

/** A real HTTP server on 127.0.0.1 that records what it receives and answers with `answer`. */
async function startServer(answer: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const received: Array<{ method?: string; url?: string; authorization?: string; body: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body });
      answer(req, res, body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('AlexaApiClient', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('sends the call as given and resolves with status, headers and body, also for a non-2xx answer', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"no permission"}');
    });
    try {
      const response = await new AlexaApiClient(true).invoke({
        url: `${server.url}/v2/accounts/~current/settings/Profile.name`,
        method: 'POST',
        headers: [{ key: 'Authorization', value: 'Bearer api-token' }],
        body: '{"x":1}',
      });
      expect(response.statusCode).toBe(403);
      expect(response.body).toBe('{"message":"no permission"}');
      expect(response.headers).toContainEqual({ key: 'content-type', value: 'application/json' });
      expect(server.received).toEqual([
        {
          method: 'POST',
          url: '/v2/accounts/~current/settings/Profile.name',
          authorization: 'Bearer api-token',
          body: '{"x":1}',
        },
      ]);
    } finally {
      await server.close();
    }
  });

  it('sends nothing to a host outside the Alexa API hosts unless any endpoint is allowed', async () => {
    const server = await startServer((_req, res) => res.end('"Europe/Berlin"'));
    try {
      const call = new AlexaApiClient(false).invoke({
        url: `${server.url}/v2/devices/d/settings/System.timeZone`,
        method: 'GET',
        headers: [{ key: 'Authorization', value: 'Bearer api-token' }],
      });
      await expect(call).rejects.toThrow(AlexaApiEndpointRefusedError);
      expect(server.received).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('gives up on a call the API does not answer, after its timeout', async () => {
    let arrived!: () => void;
    const received = new Promise<void>((resolve) => (arrived = resolve));
    const server = await startServer(() => arrived()); // never answers
    try {
      const call = new AlexaApiClient(true, 50).invoke({
        url: `${server.url}/v1/x`,
        method: 'GET',
        headers: [],
      });
      await received;
      await expect(call).rejects.toThrow(/aborted due to timeout/);
    } finally {
      await server.close();
    }
  });
});
