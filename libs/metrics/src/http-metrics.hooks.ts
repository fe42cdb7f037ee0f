import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Duplex } from 'node:stream';
import type { Counter, Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics.constants';
import { counter } from './metric-factory';

const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

/**
 * `http_requests_total{route, status_class}` for every route of the app server, counted in a Fastify
 * onResponse hook so requests refused before Nest (413, 415, 404) are visible too. `route` is the
 * registered route pattern, or `unmatched`: never the raw URL, so its values stay bounded. Requests that Node's
 * HTTP parser refuses (431 oversized headers, 400 bad framing, 408 too slow) never reach Fastify's hooks; they
 * are counted as `unmatched` 4xx when Fastify's client-error handler answers them. Connections Node closes on
 * arrival because `MAX_CONNECTIONS` are open never become requests: `http_connections_dropped_total` counts them.
 */
@Injectable()
export class HttpMetricsHooks implements OnModuleInit {
  private readonly requests: Counter<'route' | 'status_class'>;
  private readonly droppedConnections: Counter;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.requests = counter(registry, {
      name: 'http_requests_total',
      help: 'HTTP requests answered by the app server, by route pattern and status class.',
      labelNames: ['route', 'status_class'],
    });
    this.droppedConnections = counter(registry, {
      name: 'http_connections_dropped_total',
      help: 'Connections the app server closed on arrival, unread, because the server.maxConnections limit (MAX_CONNECTIONS) was reached.',
    });
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || typeof fastify.addHook !== 'function') return;
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const statusClass = STATUS_CLASSES[Math.floor(reply.statusCode / 100)] ?? '5xx';
      this.requests.inc({ route, status_class: statusClass });
      done();
    });
    // Prepended, so the socket is seen before Fastify's handler answers and destroys it; the same conditions
    // as Fastify's: no answer to a reset or already closed connection.
    fastify.server?.prependListener('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
      if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
      this.requests.inc({ route: 'unmatched', status_class: '4xx' });
    });
    // Node emits 'drop' for each connection it closes because server.maxConnections are open (Node >= 18.6).
    fastify.server?.on('drop', () => this.droppedConnections.inc());
  }
}
