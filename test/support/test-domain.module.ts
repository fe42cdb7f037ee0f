import { Controller, Module, Post, Req } from '@nestjs/common';
import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import {
  escapeSsml,
  IntentHandler,
  SkillResponseInterceptor,
  type SkillHandler,
  type SkillRequestContext,
  type SkillResponseInterceptorInterface,
} from '@lib/alexa-skill';
import { Injectable } from '@nestjs/common';
import { resolvedSlot } from '@lib/alexa-protocol';

/** A greeter the handler gets through DI, to prove handlers are ordinary Nest providers. */
@Injectable()
export class EchoService {
  echo(text: string): string {
    return `You said ${text}`;
  }
}

@IntentHandler('EchoIntent')
export class EchoIntentHandler implements SkillHandler {
  constructor(private readonly echo: EchoService) {}

  handle(input: HandlerInput, context: SkillRequestContext): Response {
    const request = context.envelope.request;
    const text =
      request.type === 'IntentRequest' ? (request.intent.slots?.text?.value ?? 'nothing') : 'nothing';
    return input.responseBuilder
      .speak(escapeSsml(this.echo.echo(text)))
      .withShouldEndSession(true)
      .getResponse();
  }
}

/** Speaks the ID entity resolution matched the genre slot to: handlers key on IDs, not on what was said. */
@IntentHandler('GenreIntent')
export class GenreIntentHandler implements SkillHandler {
  handle(input: HandlerInput, context: SkillRequestContext): Response {
    const genre = resolvedSlot(context.envelope, 'genre');
    return input.responseBuilder
      .speak(escapeSsml(genre ? `Genre ${genre.id}.` : 'No such genre.'))
      .withShouldEndSession(true)
      .getResponse();
  }
}

@IntentHandler('ExplodeIntent')
export class ExplodeIntentHandler implements SkillHandler {
  handle(): Response {
    throw new Error('the test handler exploded');
  }
}

@IntentHandler('TooLongIntent')
export class TooLongIntentHandler implements SkillHandler {
  handle(input: HandlerInput): Response {
    return input.responseBuilder.speak('a'.repeat(8001)).getResponse();
  }
}

/** Counts responses, to prove response interceptors are discovered. */
@SkillResponseInterceptor()
export class CountingResponseInterceptor implements SkillResponseInterceptorInterface {
  count = 0;
  process(): void {
    this.count++;
  }
}

/** Reports a hash of the raw request bytes: proves the exact bytes reach code that runs after parsing. */
@Controller('test')
export class RawBodyProbeController {
  @Post('raw-body')
  rawBody(@Req() request: FastifyRequest & { rawBody?: Buffer }): { sha256: string | null; parsed: unknown } {
    return {
      sha256: request.rawBody ? createHash('sha256').update(request.rawBody).digest('hex') : null,
      parsed: request.body,
    };
  }
}

const intentHandlers = [EchoIntentHandler, GenreIntentHandler, ExplodeIntentHandler, TooLongIntentHandler];
const interceptors = [CountingResponseInterceptor];
const services = [EchoService];

/** A domain module registered only through decorators: nothing in the core names it. */
@Module({
  controllers: [RawBodyProbeController],
  providers: [...intentHandlers, ...interceptors, ...services],
})
export class TestDomainModule {}
