import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real third-party API on 127.0.0.1 that judges bearer tokens the way an OAuth resource server does:
 * tokens starting with `revoked-` get 401, `narrow-` get 403, any other token gets the profile.
 */
export class LinkingTestUpstream {
  /** Authorization headers received, in order. */
  readonly authorizations: string[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const authorization = req.headers.authorization ?? '';
      this.authorizations.push(authorization);
      const token = authorization.replace(/^Bearer /, '');
      if (!token || token.startsWith('revoked-')) {
        res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
      } else if (token.startsWith('narrow-')) {
        res.writeHead(403, { 'www-authenticate': 'Bearer error="insufficient_scope"' }).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'Ada' }));
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
