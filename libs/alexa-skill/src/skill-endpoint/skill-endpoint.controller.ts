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
import { NOOP_TRACING, TRACING, type Tracing } from '@lib/tracing';
import type { RequestEnvelope } from 'ask-sdk-model';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { SkillRequestMetrics } from '../metrics/skill-request.metrics';
import { AlexaSkillService, type SkillInvocationReport } from '../skill/alexa-skill.service';
import { inHandlerSpan } from '../skill/handler-span';
import { ALEXA_SKILL_ENDPOINT } from './alexa-skill-endpoint.constants';

const REPORT = Symbol('alexa-skill:report');

/** What the endpoint learnt about a request, for the one log line per request (never the body). */
export function skillRequestReport(raw: IncomingMessage): SkillInvocationReport | undefined {
  return (raw as IncomingMessage & { [REPORT]?: SkillInvocationReport })[REPORT];
}

function isEnvelope(body: unknown): body is RequestEnvelope {
  if (typeof body !== 'object' || body === null) return false;
  const request = (body as { request?: unknown }).request;
  return (
    typeof request === 'object' &&
    request !== null &&
    typeof (request as { type?: unknown }).type === 'string' &&
    typeof (request as { requestId?: unknown }).requestId === 'string'
  );
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
      const envelope = request.body;
      if (!isEnvelope(envelope)) {
        throw new BadRequestException({ error: 'not an Alexa request envelope' });
      }
      const { body, report } = await inHandlerSpan(this.tracing, this.metrics, () =>
        this.skill.handle(envelope, arrival),
      );
      (request.raw as IncomingMessage & { [REPORT]?: SkillInvocationReport })[REPORT] = report;
      return body;
    }
  }
  return SkillEndpointController;
}
