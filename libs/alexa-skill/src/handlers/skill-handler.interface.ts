import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import type { SkillRequestContext } from './skill-request-context';

/** A class decorated with `@RequestHandler`, `@IntentHandler` or `@SkillEventHandler`. */
export interface SkillHandler {
  handle(input: HandlerInput, context: SkillRequestContext): Response | Promise<Response>;
}

/** A class decorated with `@SkillErrorHandler`; the first one whose `canHandle` accepts the error answers. */
export interface SkillErrorHandlerInterface {
  canHandle(input: HandlerInput, error: Error): boolean;
  handle(input: HandlerInput, error: Error, context: SkillRequestContext): Response | Promise<Response>;
}

/** A class decorated with `@SkillRequestInterceptor`: runs before the handler. */
export interface SkillRequestInterceptorInterface {
  process(input: HandlerInput, context: SkillRequestContext): void | Promise<void>;
}

/** A class decorated with `@SkillResponseInterceptor`: runs after the handler, may inspect the response. */
export interface SkillResponseInterceptorInterface {
  process(
    input: HandlerInput,
    response: Response | undefined,
    context: SkillRequestContext,
  ): void | Promise<void>;
}

/** What a handler guard knows about the handler it stands in front of. */
export interface SkillHandlerTarget {
  /** The handler's class, to read class-level metadata (e.g. `@RequiresLinkedAccount()`). */
  readonly handlerClass: abstract new (...args: never[]) => unknown;
  /** The class name: a bounded, code-given label for metrics and logs. */
  readonly handlerName: string;
}

/**
 * A class decorated with `@SkillHandlerGuard`: runs after the interceptors and before every handler.
 * Returning a response answers the request without running the handler (e.g. a LinkAccount card);
 * returning undefined lets the handler run. A guard adds to the context only through one typed step,
 * `acceptAccessToken` (the account-linking guard hands over the checked token); the facts are read-only.
 */
export interface SkillHandlerGuardInterface {
  check(
    input: HandlerInput,
    context: SkillRequestContext,
    target: SkillHandlerTarget,
  ): Response | undefined | Promise<Response | undefined>;
}
