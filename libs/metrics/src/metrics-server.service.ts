import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { METRICS_REGISTRY, METRICS_SERVER_DEFAULTS } from './metrics.constants';
import { METRICS_MODULE_OPTIONS } from './metrics.module-definition';
import type { MetricsModuleOptions } from './metrics-options.interface';

/**
 * The management server: `GET /metrics` on its own port, so the public ingress (which routes only the
 * skill endpoint) can never expose it. A bare node:http server: it serves one route and must keep
 * answering scrapes while the main server drains.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;

  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(METRICS_MODULE_OPTIONS) private readonly options: MetricsModuleOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.serve === false) return;
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const { port = METRICS_SERVER_DEFAULTS.port, host = METRICS_SERVER_DEFAULTS.host } = this.options;
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.logger.log(`metrics served on port ${this.port()}`);
  }

  /** The bound port (useful when configured with 0). */
  port(): number | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    return address?.port;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    try {
      const body = await this.registry.metrics();
      res
        .writeHead(200, { 'content-type': this.registry.contentType })
        .end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      this.logger.error(`metrics collection failed: ${(error as Error).message}`);
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"metrics unavailable"}');
    }
  }
}
