import { DiscoveryService } from '@nestjs/core';

/** Options shared by the handler decorators. */
export interface SkillHandlerOptions {
  /**
   * A fallback handler gives way to any other handler for the same key, so the built-in handlers can be
   * replaced by a domain module without editing the core.
   * @default false
   */
  fallback?: boolean;
}

export interface RequestHandlerMetadata extends SkillHandlerOptions {
  requestTypes: string[];
}
export interface IntentHandlerMetadata extends SkillHandlerOptions {
  intents: string[];
}
export interface SkillEventHandlerMetadata extends SkillHandlerOptions {
  events: string[];
}
export interface OrderedMetadata {
  /** Lower runs first. @default 0 */
  order?: number;
}

const requestHandler = DiscoveryService.createDecorator<RequestHandlerMetadata>();
const intentHandler = DiscoveryService.createDecorator<IntentHandlerMetadata>();
const skillEventHandler = DiscoveryService.createDecorator<SkillEventHandlerMetadata>();
const errorHandler = DiscoveryService.createDecorator<OrderedMetadata & SkillHandlerOptions>();
const requestInterceptor = DiscoveryService.createDecorator<OrderedMetadata>();
const responseInterceptor = DiscoveryService.createDecorator<OrderedMetadata>();
const handlerGuard = DiscoveryService.createDecorator<OrderedMetadata>();

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

/** Handles one or more request types, e.g. `@RequestHandler('LaunchRequest')`. */
export const RequestHandler = (types: string | string[], options: SkillHandlerOptions = {}): ClassDecorator =>
  requestHandler({ ...options, requestTypes: list(types) });
RequestHandler.KEY = requestHandler.KEY;

/** Handles one or more intents, e.g. `@IntentHandler('PlayMusicIntent')`. */
export const IntentHandler = (
  intents: string | string[],
  options: SkillHandlerOptions = {},
): ClassDecorator => intentHandler({ ...options, intents: list(intents) });
IntentHandler.KEY = intentHandler.KEY;

/** Handles skill events, e.g. `@SkillEventHandler('AlexaSkillEvent.SkillAccountLinked')`. */
export const SkillEventHandler = (
  events: string | string[],
  options: SkillHandlerOptions = {},
): ClassDecorator => skillEventHandler({ ...options, events: list(events) });
SkillEventHandler.KEY = skillEventHandler.KEY;

/** Answers errors thrown by handlers; fallback error handlers are asked last. */
export const SkillErrorHandler = (options: OrderedMetadata & SkillHandlerOptions = {}): ClassDecorator =>
  errorHandler(options);
SkillErrorHandler.KEY = errorHandler.KEY;

/** Runs before every handler. */
export const SkillRequestInterceptor = (options: OrderedMetadata = {}): ClassDecorator =>
  requestInterceptor(options);
SkillRequestInterceptor.KEY = requestInterceptor.KEY;

/** Runs after every handler. */
export const SkillResponseInterceptor = (options: OrderedMetadata = {}): ClassDecorator =>
  responseInterceptor(options);
SkillResponseInterceptor.KEY = responseInterceptor.KEY;

/** Stands before every handler and may answer instead of it (see `SkillHandlerGuardInterface`). */
export const SkillHandlerGuard = (options: OrderedMetadata = {}): ClassDecorator => handlerGuard(options);
SkillHandlerGuard.KEY = handlerGuard.KEY;

/** The raw discoverable decorators, for the registry. */
export const skillDecorators = {
  requestHandler,
  intentHandler,
  skillEventHandler,
  errorHandler,
  requestInterceptor,
  responseInterceptor,
  handlerGuard,
} as const;
