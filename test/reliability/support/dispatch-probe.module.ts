import { Injectable, Module } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { ACCOUNT_LINKING_EVENTS, type AccountLinkingEvent } from '@lib/account-linking';
import { SkillRequestInterceptor, type SkillRequestInterceptorInterface } from '@lib/alexa-skill';
import type { HandlerInput } from 'ask-sdk-core';
import type { SkillRequestContext } from '@lib/alexa-skill';

/**
 * Runs before every handler the skill dispatches to (request interceptors run for every request that got
 * past verification and the envelope check), so a test can tell whether any domain code ran for a request.
 */
@SkillRequestInterceptor()
export class DispatchProbe implements SkillRequestInterceptorInterface {
  dispatched = 0;
  readonly requestIds: string[] = [];

  process(_input: HandlerInput, context: SkillRequestContext): void {
    this.dispatched += 1;
    if (this.requestIds.length < 50_000) this.requestIds.push(context.requestId);
  }
}

/** Every account-linking Nest event, as a domain module would receive it. */
@Injectable()
export class LinkingEventProbe {
  readonly received: AccountLinkingEvent[] = [];

  @OnEvent(ACCOUNT_LINKING_EVENTS.linked)
  @OnEvent(ACCOUNT_LINKING_EVENTS.enabled)
  @OnEvent(ACCOUNT_LINKING_EVENTS.disabled)
  @OnEvent(ACCOUNT_LINKING_EVENTS.permission_accepted)
  @OnEvent(ACCOUNT_LINKING_EVENTS.permission_changed)
  onEvent(event: AccountLinkingEvent): void {
    this.received.push(event);
  }
}

/** Add to `createTestApp({ imports: [DispatchProbeModule] })`; read with `t.app.get(DispatchProbe)`. */
@Module({ providers: [DispatchProbe, LinkingEventProbe] })
export class DispatchProbeModule {}
