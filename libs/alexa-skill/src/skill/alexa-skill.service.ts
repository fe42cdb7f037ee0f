import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { type HandlerInput, ResponseFactory, type Skill, SkillBuilders } from 'ask-sdk-core';
import type { RequestEnvelope, Response, ResponseEnvelope } from 'ask-sdk-model';
import type { EnvelopeFacts } from '@lib/alexa-protocol';
import { AlexaApiClient, allowsAnyEndpoint } from '../alexa-api';
import { ALEXA_SKILL_MODULE_OPTIONS } from '../alexa-skill.module-definition';
import type { AlexaSkillModuleOptions } from '../alexa-skill-options.interface';
import {
  BUILT_IN_TEXTS_TOKEN,
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
} from '../alexa-skill.constants';
import type { BuiltInTextKey } from '../built-in/built-in.texts';
import { SkillHandlerRegistry, type RegisteredHandler } from '../handlers/skill-handler.registry';
import { SkillRequestContext } from '../handlers/skill-request-context';
import { SkillRequestMetrics, type SkillRequestOutcome } from '../metrics/skill-request.metrics';
import type { SpeechTexts } from '../speech/speech-texts';
import { SkillEventDedupe } from '../state/skill-event-dedupe';
import { StatePersistenceAdapter } from '../state/state-persistence.adapter';
import { responseProblem } from './response-validator';

/** What the endpoint reports about one answered request (for the request log line and metrics). */
export interface SkillInvocationReport {
  requestId: string | undefined;
  requestType: string | undefined;
  intent: string | undefined;
  handler: string;
  outcome: SkillRequestOutcome;
}

/** Thrown when no handler is registered for a request; answered by the error handlers. */
export class NoSkillHandlerError extends Error {
  constructor(readonly requestType: string) {
    super(`no skill handler for ${requestType}`);
    this.name = 'NoSkillHandlerError';
  }
}

/** When a request arrived: wall clock for the deadline, monotonic clock for the duration metric. */
export interface RequestArrival {
  epochMs: number;
  monotonicMs: number;
}

const EMPTY_RESPONSE: ResponseEnvelope = Object.freeze({ version: '1.0', response: {} });

/**
 * Builds the ask-sdk skill once from the discovered handlers and answers request envelopes with it.
 * Once a request got here (parsed and verified), the answer is always a valid envelope: a handler error,
 * a missing handler or an oversized response all become the spoken apology, never a non-200.
 */
@Injectable()
export class AlexaSkillService implements OnModuleInit {
  private readonly logger = new Logger('AlexaSkill');
  private skill!: Skill;
  private readonly deadlineMs: number;
  private readonly limits: { maxSpeechChars: number; maxResponseBytes: number };
  /** Behind `handlerInput.serviceClientFactory`: built once, shared by every request. */
  private readonly apiClient: AlexaApiClient;

  constructor(
    private readonly registry: SkillHandlerRegistry,
    private readonly metrics: SkillRequestMetrics,
    private readonly events: SkillEventDedupe,
    private readonly persistence: StatePersistenceAdapter,
    @Inject(ALEXA_SKILL_MODULE_OPTIONS) options: AlexaSkillModuleOptions,
    @Inject(BUILT_IN_TEXTS_TOKEN) private readonly texts: SpeechTexts<BuiltInTextKey>,
  ) {
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.limits = {
      maxSpeechChars: options.maxSpeechChars ?? 8000,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    };
    const alexaApi = options.alexaApi ?? {};
    this.apiClient = new AlexaApiClient(allowsAnyEndpoint('AlexaSkill', alexaApi), alexaApi.timeoutMs);
  }

  onModuleInit(): void {
    this.registry.explore();
    this.metrics.setKnownIntents(this.registry.intentNames());
    this.skill = this.buildSkill();
  }

  /**
   * Answers one parsed request envelope, given its facts (`readEnvelope`). Returns the serialized envelope (so
   * it is stringified once) and what happened, for the request log line.
   */
  async handle(
    envelope: RequestEnvelope,
    facts: EnvelopeFacts,
    arrival: RequestArrival,
  ): Promise<{ body: string; report: SkillInvocationReport }> {
    const requestType = facts.type;
    const intent = facts.intentName;
    const context = new SkillRequestContext(envelope, facts, arrival.epochMs + this.deadlineMs);
    const report: SkillInvocationReport = {
      requestId: forLog(facts.requestId),
      requestType: forLog(requestType),
      intent: forLog(intent),
      handler: 'none',
      outcome: 'ok',
    };

    let responseEnvelope: ResponseEnvelope;
    const event = facts.skillEvent !== undefined;
    if (event && !(await this.events.claim(context.skillId, context.requestId))) {
      // Another delivery of this event has it (any pod): acknowledge; Amazon redelivers until it sees a 200.
      report.handler = 'redelivery';
      responseEnvelope = EMPTY_RESPONSE;
    } else {
      responseEnvelope = await this.invoke(envelope, context);
      if (event) await this.events.finish(context.skillId, context.requestId, !context.failed);
    }
    report.handler = context.handlerName === 'none' ? report.handler : context.handlerName;

    let body = JSON.stringify(responseEnvelope);
    const problem = responseProblem(responseEnvelope, body, this.limits);
    if (problem) {
      this.logger.error(
        { requestId: context.requestId, handler: report.handler },
        `response refused: ${problem}`,
      );
      context.failed = true;
      body = JSON.stringify(this.apology(context));
    }
    report.outcome = context.failed ? 'handler_error' : 'ok';
    this.metrics.record(
      requestType,
      intent,
      report.outcome,
      (performance.now() - arrival.monotonicMs) / 1000,
    );
    return { body, report };
  }

  private async invoke(envelope: RequestEnvelope, context: SkillRequestContext): Promise<ResponseEnvelope> {
    try {
      return await this.skill.invoke(envelope, context);
    } catch (error) {
      // Only reachable when an error handler itself failed.
      this.logFailure(context, error);
      context.failed = true;
      return this.apology(context);
    }
  }

  private buildSkill(): Skill {
    const registry = this.registry;
    const route = (context: SkillRequestContext): RegisteredHandler | undefined => {
      if (context.requestType === 'IntentRequest') {
        return (
          registry.byIntent.get(context.intentName ?? '') ?? registry.byIntent.get('AMAZON.FallbackIntent')
        );
      }
      return registry.byEvent.get(context.requestType) ?? registry.byRequestType.get(context.requestType);
    };

    const builder = SkillBuilders.custom()
      .withPersistenceAdapter(this.persistence)
      .withApiClient(this.apiClient)
      .addRequestHandlers({
        canHandle: () => true,
        handle: async (input: HandlerInput): Promise<Response> => {
          const context = input.context as SkillRequestContext;
          const handler = route(context);
          if (!handler) {
            // Events without a handler are still acknowledged, as Amazon expects.
            if (context.facts.skillEvent !== undefined) return input.responseBuilder.getResponse();
            throw new NoSkillHandlerError(context.requestType);
          }
          context.handlerName = handler.handlerName;
          for (const guard of registry.handlerGuards) {
            const answer = await guard.check(input, context, handler);
            if (answer) return answer;
          }
          return handler.instance.handle(input, context);
        },
      });

    builder.addErrorHandlers({
      canHandle: () => true,
      handle: async (input: HandlerInput, error: Error): Promise<Response> => {
        const context = input.context as SkillRequestContext;
        for (const errorHandler of registry.errorHandlers) {
          if (errorHandler.canHandle(input, error)) return errorHandler.handle(input, error, context);
        }
        this.logFailure(context, error);
        context.failed = true;
        return this.apology(context).response;
      },
    });

    for (const interceptor of registry.requestInterceptors) {
      builder.addRequestInterceptors({
        process: (input: HandlerInput) => interceptor.process(input, input.context as SkillRequestContext),
      });
    }
    for (const interceptor of registry.responseInterceptors) {
      builder.addResponseInterceptors({
        process: (input: HandlerInput, response?: Response) =>
          interceptor.process(input, response, input.context as SkillRequestContext),
      });
    }
    return builder.create();
  }

  /** The last-resort answer: a spoken apology that ends the session (logs carry the cause). */
  apology(context: SkillRequestContext): ResponseEnvelope {
    const response = ResponseFactory.init()
      .speak(this.texts.get(context.locale, 'error'))
      .withShouldEndSession(true)
      .getResponse();
    return { version: '1.0', response };
  }

  private logFailure(context: SkillRequestContext, error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    // The error's message and stack only: never the envelope, which carries tokens.
    this.logger.error(
      {
        requestId: context.requestId,
        requestType: context.requestType,
        handler: context.handlerName,
        err: { type: err.name, message: err.message, stack: err.stack },
      },
      'skill handler failed',
    );
  }
}

/** Longest wire value written to a log line: Amazon's IDs and names are far shorter; anything longer is noise. */
const MAX_LOGGED_CHARS = 128;

function forLog(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.length > MAX_LOGGED_CHARS ? `${value.slice(0, MAX_LOGGED_CHARS)}…` : value;
}
