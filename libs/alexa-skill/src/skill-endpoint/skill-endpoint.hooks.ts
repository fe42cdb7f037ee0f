import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { SkillRequestMetrics } from '../metrics/skill-request.metrics';
import { ALEXA_SKILL_ENDPOINT_PATH } from '../alexa-skill.constants';

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Fastify hooks for the skill endpoint that must run outside Nest's pipeline:
 * - a wrong content type is refused with 415 before the body is read or any guard runs;
 * - answers the guards refused (4xx) are counted as `alexa_requests_total{outcome="rejected"}`.
 */
@Injectable()
export class SkillEndpointHooks implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: SkillRequestMetrics,
    @Inject(ALEXA_SKILL_ENDPOINT_PATH) private readonly endpointPath: string,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    const fastify = adapter.getInstance<FastifyInstance>();
    const path = this.endpointPath;
    fastify.addHook('onRequest', (request, reply, done) => {
      if (request.routeOptions.url === path && request.method === 'POST') {
        const type = request.headers['content-type'];
        if (type === undefined || !JSON_TYPE.test(type)) {
          void reply
            .code(415)
            .type('application/json')
            .send({ error: 'content type must be application/json' });
          return;
        }
      }
      done();
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      const status = reply.statusCode;
      if (status >= 400 && status < 500 && request.routeOptions.url === path) {
        this.metrics.record(undefined, undefined, 'rejected', reply.elapsedTime / 1000);
      }
      done();
    });
  }
}
