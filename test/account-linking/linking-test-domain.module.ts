import { type DynamicModule, Inject, Injectable, Module } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  ACCOUNT_LINKING_EVENTS,
  type AccountLinkingEvent,
  RequiresLinkedAccount,
} from '@lib/account-linking';
import { escapeSsml, IntentHandler, type SkillHandler, type SkillRequestContext } from '@lib/alexa-skill';
import {
  AccessForbiddenError,
  AccessTokenRejectedError,
  InjectResilientClient,
  ResilientHttpClient,
  ResilientHttpModule,
} from '@lib/resilient-http';
import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { z } from 'zod';

export const UPSTREAM_URL = Symbol('UPSTREAM_URL');

/** What the handlers saw, so tests can assert that a handler ran (or not) and with which token. */
@Injectable()
export class TokenProbe {
  readonly seen: Array<{ handler: string; token: string | undefined }> = [];

  record(handler: string, token: string | undefined): void {
    this.seen.push({ handler, token });
  }
}

/** Protected at class level; calls a real upstream with the token, like a domain client would. */
@IntentHandler('WhoAmIIntent')
@RequiresLinkedAccount({ provider: 'profile' })
export class WhoAmIIntentHandler implements SkillHandler {
  constructor(
    private readonly probe: TokenProbe,
    @Inject(UPSTREAM_URL) private readonly upstreamUrl: string,
  ) {}

  async handle(input: HandlerInput, context: SkillRequestContext): Promise<Response> {
    const token = context.requireAccessToken();
    this.probe.record(WhoAmIIntentHandler.name, token);
    const res = await fetch(`${this.upstreamUrl}/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.status === 401) throw new AccessTokenRejectedError('profile', 'me');
    if (res.status === 403) throw new AccessForbiddenError('profile', 'me');
    const profile = (await res.json()) as { name: string };
    return input.responseBuilder
      .speak(escapeSsml(`You are ${profile.name}.`))
      .withShouldEndSession(true)
      .getResponse();
  }
}

const PROFILE_API = 'profile-api';
const profileSchema = z.object({ name: z.string() });

/**
 * Protected, and calls the same upstream through the real resilient client, whose typed 401/403 errors
 * carry the provider name the client was declared with, and which tells the funnel what the upstream said about
 * the token (`onTokenAnswer` from the context, as the music client passes it).
 */
@IntentHandler('ProfileViaClientIntent')
@RequiresLinkedAccount({ provider: PROFILE_API })
export class ProfileViaClientIntentHandler implements SkillHandler {
  constructor(@InjectResilientClient(PROFILE_API) private readonly http: ResilientHttpClient) {}

  async handle(input: HandlerInput, context: SkillRequestContext): Promise<Response> {
    const profile = await this.http.getJson('me', '/me', profileSchema, {
      accessToken: context.requireAccessToken(),
      deadline: context.deadline,
      onTokenAnswer: context.onTokenAnswer,
    });
    return input.responseBuilder.speak(escapeSsml(`Hi ${profile.name}.`)).getResponse();
  }
}

/** Protected on its handle method; names no provider (the module's default is used). */
@IntentHandler('PlaylistsIntent')
export class PlaylistsIntentHandler implements SkillHandler {
  constructor(private readonly probe: TokenProbe) {}

  @RequiresLinkedAccount()
  handle(input: HandlerInput, context: SkillRequestContext): Response {
    this.probe.record(PlaylistsIntentHandler.name, context.requireAccessToken());
    return input.responseBuilder.speak('You have two playlists.').getResponse();
  }
}

/** Not protected: greets linked users personally. */
@IntentHandler('GreetIntent')
export class GreetIntentHandler implements SkillHandler {
  constructor(private readonly probe: TokenProbe) {}

  handle(input: HandlerInput, context: SkillRequestContext): Response {
    this.probe.record(GreetIntentHandler.name, context.accessToken);
    return input.responseBuilder
      .speak(context.accessToken ? 'Welcome back!' : 'Hello, stranger!')
      .getResponse();
  }
}

/** Reads the token it may not count on: it forgot `@RequiresLinkedAccount()`. */
@IntentHandler('ForgotTheDecoratorIntent')
export class ForgotTheDecoratorIntentHandler implements SkillHandler {
  constructor(private readonly probe: TokenProbe) {}

  handle(input: HandlerInput, context: SkillRequestContext): Response {
    this.probe.record(ForgotTheDecoratorIntentHandler.name, context.requireAccessToken());
    return input.responseBuilder.speak('This should never be said.').getResponse();
  }
}

/** A domain module reacting to account-linking events (e.g. to warm a profile cache on link). */
@Injectable()
export class LinkingEventsListener {
  readonly received: Array<{ name: string; event: AccountLinkingEvent }> = [];

  @OnEvent(ACCOUNT_LINKING_EVENTS.linked)
  onLinked(event: AccountLinkingEvent): void {
    this.received.push({ name: ACCOUNT_LINKING_EVENTS.linked, event });
  }

  @OnEvent(ACCOUNT_LINKING_EVENTS.enabled)
  onEnabled(event: AccountLinkingEvent): void {
    this.received.push({ name: ACCOUNT_LINKING_EVENTS.enabled, event });
  }

  @OnEvent(ACCOUNT_LINKING_EVENTS.disabled)
  onDisabled(event: AccountLinkingEvent): void {
    this.received.push({ name: ACCOUNT_LINKING_EVENTS.disabled, event });
  }

  @OnEvent(ACCOUNT_LINKING_EVENTS.permission_accepted)
  onPermissionAccepted(event: AccountLinkingEvent): void {
    this.received.push({ name: ACCOUNT_LINKING_EVENTS.permission_accepted, event });
  }

  @OnEvent(ACCOUNT_LINKING_EVENTS.permission_changed)
  onPermissionChanged(event: AccountLinkingEvent): void {
    this.received.push({ name: ACCOUNT_LINKING_EVENTS.permission_changed, event });
  }
}

const intentHandlers = [
  WhoAmIIntentHandler,
  ProfileViaClientIntentHandler,
  PlaylistsIntentHandler,
  GreetIntentHandler,
  ForgotTheDecoratorIntentHandler,
];
const listeners = [LinkingEventsListener];
const services = [TokenProbe];

/** A domain module that uses account linking only through its public surface. */
@Module({})
export class LinkingTestDomainModule {
  static forUpstream(upstreamUrl: string): DynamicModule {
    return {
      module: LinkingTestDomainModule,
      imports: [
        ResilientHttpModule.forFeature({
          name: PROFILE_API,
          baseURL: upstreamUrl,
          retry: false,
          circuitBreaker: false,
        }),
      ],
      providers: [
        ...intentHandlers,
        ...listeners,
        ...services,
        { provide: UPSTREAM_URL, useValue: upstreamUrl },
      ],
    };
  }
}
