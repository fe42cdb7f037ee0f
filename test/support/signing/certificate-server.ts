import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateKeys, issueCertificate, privateKeyOf } from '../../../tools/dev-certs.ts';

/** What the server does for one path. */
export type Behaviour =
  | { readonly kind: 'serve'; readonly body: string | Buffer }
  | { readonly kind: 'status'; readonly status: number }
  /** Headers sent, body never finished (a download that hangs). */
  | { readonly kind: 'hang' }
  /** `size` bytes of PEM-looking text, beyond any sane cap. */
  | { readonly kind: 'huge'; readonly size: number }
  /** Serves `body` once `gate` settles (to hold a download while requests pile up). */
  | { readonly kind: 'gated'; readonly body: string; readonly gate: Promise<unknown> };

/**
 * A real HTTPS server on 127.0.0.1 standing in for `s3.amazonaws.com`: its own test CA signs its certificate
 * (IP SAN 127.0.0.1), each path has a behaviour, and every request is counted.
 */
export class CertificateServer {
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly hits = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    /** PEM of the CA a client must trust to talk to this server. */
    readonly caPem: string,
  ) {}

  static async start(): Promise<CertificateServer> {
    const keys = await generateKeys('ecdsa');
    const ca = await issueCertificate({ subject: 'CN=Certificate Server Test CA', keys, ca: true });
    const tls = await issueCertificate({
      subject: 'CN=127.0.0.1',
      issuer: ca,
      keys: await generateKeys('ecdsa'),
      ipAddresses: ['127.0.0.1'],
      dnsNames: ['localhost'],
    });
    const server = createServer({
      key: privateKeyOf(tls).export({ type: 'pkcs8', format: 'pem' }),
      cert: tls.pem,
    });
    const self = new CertificateServer(server, ca.pem);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => self.handle(req.url ?? '/', res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  /** `https://127.0.0.1:<port>` */
  get origin(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  on(path: string, behaviour: Behaviour): this {
    this.behaviours.set(path, behaviour);
    return this;
  }

  serve(path: string, body: string | Buffer): this {
    return this.on(path, { kind: 'serve', body });
  }

  /** How many requests reached `path`. */
  downloads(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(path: string, res: ServerResponse): void {
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    const behaviour = this.behaviours.get(path) ?? { kind: 'status', status: 404 };
    switch (behaviour.kind) {
      case 'serve':
        res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(behaviour.body);
        return;
      case 'status':
        res.writeHead(behaviour.status, { 'content-type': 'text/plain' }).end('no');
        return;
      case 'gated':
        void behaviour.gate.then(() =>
          res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(behaviour.body),
        );
        return;
      case 'hang':
        res.writeHead(200, { 'content-type': 'application/x-pem-file' });
        res.write('-----BEGIN CERTIFICATE-----\n');
        return;
      case 'huge': {
        res.writeHead(200, { 'content-type': 'application/x-pem-file' });
        const line = Buffer.from('MIIFmDCCBICgAwIBAgIQA8Zq9N5SnP+F7Ydf4T1yQDANBgkqhkiG9w0BAQsFADBG\n');
        let sent = 0;
        const pump = (): void => {
          while (sent < behaviour.size) {
            sent += line.length;
            if (!res.write(line)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        res.on('error', () => undefined);
        pump();
        return;
      }
    }
  }
}
