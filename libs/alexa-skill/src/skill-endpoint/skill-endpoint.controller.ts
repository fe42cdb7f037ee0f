import {
  BadRequestException,
  Controller,
  Header,
  HttpCode,
  Inject,
  Optional,
  Post,
  Req,
  SetMetadata,
  type Type,
} from '@nestjs/common';
import { ALEXA_SKILL_ENDPOINT, readEnvelope, type RequestEnvelope } from '@lib/alexa-protocol';
import { NOOP_TRACING, TRACING, type Tracing } from '@lib/tracing';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { SkillRequestMetrics } from '../metrics/skill-request.metrics';
import { AlexaSkillService, type SkillInvocationReport } from '../skill/alexa-skill.service';
import { inHandlerSpan } from '../skill/handler-span';

const REPORT = Symbol('alexa-skill:report');

/** What the endpoint learnt about a request, for the one log line per request (never the body). */
export function skillRequestReport(raw: IncomingMessage): SkillInvocationReport | undefined {
  return (raw as IncomingMessage & { [REPORT]?: SkillInvocationReport })[REPORT];
}

/**
 * The controller is made per application so the route comes from configuration (`ALEXA_ENDPOINT_PATH`)
 * without touching shared class metadata.
 */
export function createSkillEndpointController(path: string): Type<unknown> {
  @Controller(path)
  @SetMetadata(ALEXA_SKILL_ENDPOINT, true)
  class SkillEndpointController {
    constructor(
      private readonly skill: AlexaSkillService,
      private readonly metrics: SkillRequestMetrics,
      @Optional() @Inject(TRACING) private readonly tracing: Tracing = NOOP_TRACING,
    ) {}

    @Post()
    @HttpCode(200)
    @Header('Content-Type', 'application/json; charset=utf-8')
    async answer(@Req() request: FastifyRequest): Promise<string> {
      const arrival = { epochMs: Date.now(), monotonicMs: performance.now() };
      // The facts request verification read from this body, or read here when verification is off.
      const { facts } = readEnvelope(request.body);
      if (facts === undefined) {
        throw new BadRequestException({ error: 'not an Alexa request envelope' });
      }
      const envelope = request.body as RequestEnvelope;
      const { body, report } = await inHandlerSpan(this.tracing, this.metrics, () =>
        this.skill.handle(envelope, facts, arrival),
      );
      (request.raw as IncomingMessage & { [REPORT]?: SkillInvocationReport })[REPORT] = report;
      return body;
    }
  }
  return SkillEndpointController;
}
