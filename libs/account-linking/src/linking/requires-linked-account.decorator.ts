import 'reflect-metadata';
import { REQUIRES_LINKED_ACCOUNT } from '../account-linking.constants';

export interface RequiresLinkedAccountOptions {
  /**
   * The third party whose token the handler needs: the `provider` label of `alexa_token_failures_total` when
   * the token is missing or malformed. A code-given name, like the one its upstream client is declared with.
   * @default the module's `defaultProvider`
   */
  provider?: string;
}

/** What `@RequiresLinkedAccount()` recorded on a handler. */
export interface LinkRequirement {
  readonly provider: string | undefined;
}

/**
 * Marks a skill handler that needs a linked account: without a usable access token it does not run, and the
 * user gets a LinkAccount card instead. Put it on the handler class, or on its `handle` method. Subclasses
 * inherit it (a subclass that overrides a method-decorated `handle` must decorate its own).
 *
 * ```ts
 * @IntentHandler('PlayMusicIntent')
 * @RequiresLinkedAccount({ provider: 'music' })
 * export class PlayMusicHandler implements SkillHandler { ... }
 * ```
 */
export function RequiresLinkedAccount(
  options: RequiresLinkedAccountOptions = {},
): ClassDecorator & MethodDecorator {
  const requirement: LinkRequirement = Object.freeze({ provider: options.provider });
  return (target: object, propertyKey?: string | symbol, descriptor?: PropertyDescriptor): void => {
    if (propertyKey === undefined) {
      Reflect.defineMetadata(REQUIRES_LINKED_ACCOUNT, requirement, target);
      return;
    }
    // Skill handlers have one entry point; on any other method the mark would silently protect nothing.
    if (propertyKey !== 'handle' || typeof descriptor?.value !== 'function') {
      throw new Error(
        `@RequiresLinkedAccount() on a method applies to handle() only, not ${String(propertyKey)} ` +
          `of ${(target as { constructor: { name: string } }).constructor.name}`,
      );
    }
    Reflect.defineMetadata(REQUIRES_LINKED_ACCOUNT, requirement, descriptor.value as object);
  };
}

/** The requirement on a handler class (class or `handle` method), or undefined when it needs no account. */
export function linkRequirementOf(
  handlerClass: abstract new (...args: never[]) => unknown,
): LinkRequirement | undefined {
  const onClass = Reflect.getMetadata(REQUIRES_LINKED_ACCOUNT, handlerClass) as LinkRequirement | undefined;
  if (onClass) return onClass;
  const handle: unknown = (handlerClass.prototype as { handle?: unknown } | undefined)?.handle;
  return typeof handle === 'function'
    ? (Reflect.getMetadata(REQUIRES_LINKED_ACCOUNT, handle) as LinkRequirement | undefined)
    : undefined;
}
