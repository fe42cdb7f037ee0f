import { Injectable, Logger, Scope } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { skillDecorators, type OrderedMetadata, type SkillHandlerOptions } from './skill-handler.decorators';
import type {
  SkillErrorHandlerInterface,
  SkillHandler,
  SkillHandlerGuardInterface,
  SkillRequestInterceptorInterface,
  SkillResponseInterceptorInterface,
} from './skill-handler.interface';

/** A discovered handler with the names used for routing, logs and metric labels. */
export interface RegisteredHandler {
  readonly instance: SkillHandler;
  readonly handlerClass: abstract new (...args: never[]) => unknown;
  readonly handlerName: string;
}

interface Ordered<T> {
  readonly instance: T;
  readonly order: number;
  readonly fallback: boolean;
}

/**
 * Finds the decorated handler classes of every module once, at start-up, and indexes them by request
 * type, intent and event, so dispatch is one map look-up. Fails fast on two handlers for one key
 * (a built-in "fallback" handler gives way) and on request-scoped handlers, which would need a DI
 * resolution per request.
 */
@Injectable()
export class SkillHandlerRegistry {
  private readonly logger = new Logger(SkillHandlerRegistry.name);
  private readonly requestTypes = new Map<string, RegisteredHandler>();
  private readonly intents = new Map<string, RegisteredHandler>();
  private readonly events = new Map<string, RegisteredHandler>();
  private found: {
    readonly errorHandlers: readonly SkillErrorHandlerInterface[];
    readonly requestInterceptors: readonly SkillRequestInterceptorInterface[];
    readonly responseInterceptors: readonly SkillResponseInterceptorInterface[];
    readonly handlerGuards: readonly SkillHandlerGuardInterface[];
  } = { errorHandlers: [], requestInterceptors: [], responseInterceptors: [], handlerGuards: [] };
  private explored = false;

  constructor(private readonly discovery: DiscoveryService) {}

  // Read-only views: what was found at start-up is not changed afterwards.
  get byRequestType(): ReadonlyMap<string, RegisteredHandler> {
    return this.requestTypes;
  }
  get byIntent(): ReadonlyMap<string, RegisteredHandler> {
    return this.intents;
  }
  get byEvent(): ReadonlyMap<string, RegisteredHandler> {
    return this.events;
  }
  get errorHandlers(): readonly SkillErrorHandlerInterface[] {
    return this.found.errorHandlers;
  }
  get requestInterceptors(): readonly SkillRequestInterceptorInterface[] {
    return this.found.requestInterceptors;
  }
  get responseInterceptors(): readonly SkillResponseInterceptorInterface[] {
    return this.found.responseInterceptors;
  }
  get handlerGuards(): readonly SkillHandlerGuardInterface[] {
    return this.found.handlerGuards;
  }

  /** Idempotent: the first caller (the skill factory at bootstrap) explores. */
  explore(): void {
    if (this.explored) return;
    this.explored = true;
    const fallbacks = new Set<string>();
    const index = (
      map: Map<string, RegisteredHandler>,
      kind: string,
      keys: string[],
      wrapper: InstanceWrapper,
      options: SkillHandlerOptions,
    ) => {
      const handler = this.toHandler(wrapper);
      for (const key of keys) {
        const id = `${kind}:${key}`;
        const existing = map.get(key);
        if (existing) {
          if (options.fallback) continue;
          if (!fallbacks.has(id)) {
            throw new Error(
              `Two handlers for ${kind} "${key}": ${existing.handlerName} and ${handler.handlerName}`,
            );
          }
        }
        map.set(key, handler);
        if (options.fallback) fallbacks.add(id);
        else fallbacks.delete(id);
      }
    };

    const { requestHandler, intentHandler, skillEventHandler } = skillDecorators;
    for (const wrapper of this.discover(requestHandler.KEY)) {
      const meta = this.discovery.getMetadataByDecorator(requestHandler, wrapper)!;
      index(this.requestTypes, 'request type', meta.requestTypes, wrapper, meta);
    }
    for (const wrapper of this.discover(intentHandler.KEY)) {
      const meta = this.discovery.getMetadataByDecorator(intentHandler, wrapper)!;
      index(this.intents, 'intent', meta.intents, wrapper, meta);
    }
    for (const wrapper of this.discover(skillEventHandler.KEY)) {
      const meta = this.discovery.getMetadataByDecorator(skillEventHandler, wrapper)!;
      index(this.events, 'skill event', meta.events, wrapper, meta);
    }
    this.found = Object.freeze({
      errorHandlers: this.ordered<SkillErrorHandlerInterface>(skillDecorators.errorHandler),
      requestInterceptors: this.ordered<SkillRequestInterceptorInterface>(skillDecorators.requestInterceptor),
      responseInterceptors: this.ordered<SkillResponseInterceptorInterface>(
        skillDecorators.responseInterceptor,
      ),
      handlerGuards: this.ordered<SkillHandlerGuardInterface>(skillDecorators.handlerGuard),
    });
    this.logger.log(
      `skill handlers: ${this.byRequestType.size} request types, ${this.byIntent.size} intents, ` +
        `${this.byEvent.size} events, ${this.errorHandlers.length} error handlers`,
    );
  }

  /** Intent names that some handler registered (bounded label values for metrics). */
  intentNames(): ReadonlySet<string> {
    return new Set(this.intents.keys());
  }

  private discover(metadataKey: string): InstanceWrapper[] {
    return this.discovery.getProviders({ metadataKey }).filter((wrapper) => {
      if (
        !wrapper.isDependencyTreeStatic() ||
        wrapper.scope === Scope.REQUEST ||
        wrapper.scope === Scope.TRANSIENT
      ) {
        throw new Error(
          `Skill handler ${wrapper.name} must be a singleton: request-scoped handlers are not supported`,
        );
      }
      return wrapper.instance != null;
    });
  }

  private toHandler(wrapper: InstanceWrapper): RegisteredHandler {
    const instance = wrapper.instance as SkillHandler;
    if (typeof instance.handle !== 'function') {
      throw new Error(`Skill handler ${wrapper.name} has no handle() method`);
    }
    const handlerClass = (instance as object).constructor as abstract new (...args: never[]) => unknown;
    return { instance, handlerClass, handlerName: handlerClass.name };
  }

  private ordered<T>(
    decorator: ReturnType<typeof DiscoveryService.createDecorator<OrderedMetadata & SkillHandlerOptions>>,
  ): readonly T[] {
    const found: Ordered<T>[] = this.discover(decorator.KEY).map((wrapper) => {
      const meta = this.discovery.getMetadataByDecorator(decorator, wrapper) ?? {};
      return { instance: wrapper.instance as T, order: meta.order ?? 0, fallback: meta.fallback ?? false };
    });
    // Fallbacks last; otherwise by order (stable, so discovery order breaks ties).
    found.sort((a, b) => Number(a.fallback) - Number(b.fallback) || a.order - b.order);
    return Object.freeze(found.map((entry) => entry.instance));
  }
}
