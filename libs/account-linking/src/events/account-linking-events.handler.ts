import { Inject, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { SkillEventHandler, type SkillHandler, type SkillRequestContext } from '@lib/alexa-skill';
import type { HandlerInput } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { ACCOUNT_LINKING_SETTINGS } from '../account-linking.constants';
import type { AccountLinkingSettings } from '../account-linking-options.interface';
import { AccountLinkingMetrics } from '../metrics/account-linking.metrics';
import {
  ACCOUNT_LINKING_EVENTS,
  SKILL_EVENT_KINDS,
  type AccountLinkingEvent,
} from './account-linking.events';
import { hashUserId } from './user-id-hash';

/**
 * Acknowledges the account-linking skill events with an empty response, logs them (user ID hashed, never
 * the token), counts them and re-emits them as Nest events for domain modules. The skill core answers an
 * event Amazon redelivers (same request ID, to any pod) without calling this handler, so each is counted once.
 * When a user disables the skill and Amazon says their user ID will not come back (`NOT_PERSISTED`), their
 * persistent attributes are deleted.
 * These events belong to this module: a team reacts through `@OnEvent(ACCOUNT_LINKING_EVENTS.*)` rather
 * than a second handler (two handlers for one event fail at start-up).
 */
@SkillEventHandler(Object.keys(SKILL_EVENT_KINDS))
export class AccountLinkingEventsHandler implements SkillHandler {
  private readonly logger = new Logger('AccountLinking');

  constructor(
    @Inject(ACCOUNT_LINKING_SETTINGS) private readonly settings: AccountLinkingSettings,
    private readonly metrics: AccountLinkingMetrics,
    private readonly emitter: EventEmitter2,
  ) {}

  async handle(input: HandlerInput, context: SkillRequestContext): Promise<Response> {
    const kind = SKILL_EVENT_KINDS[context.requestType];
    if (kind) {
      this.metrics.event(kind);
      const event = this.toEvent(kind, context);
      this.logger.log(
        {
          requestId: context.requestId,
          event: kind,
          user: event.userIdHash,
          // A timestamp: anything longer than one is not worth a log line.
          created:
            typeof event.eventCreationTime === 'string' ? event.eventCreationTime.slice(0, 40) : undefined,
        },
        'skill event',
      );
      try {
        this.emitter.emit(ACCOUNT_LINKING_EVENTS[kind], event);
      } catch (error) {
        // A synchronous listener registered directly on the emitter threw: still acknowledge the event.
        this.logger.error(
          { requestId: context.requestId, event: kind, err: { type: (error as Error).name } },
          'account-linking event listener failed',
        );
      }
      if (event.userInformationPersistenceStatus === 'NOT_PERSISTED') await this.forget(input, context);
    }
    return input.responseBuilder.getResponse();
  }

  /**
   * The user disabled the skill and Amazon will not give their user ID back (they get a new one if they enable
   * it again): what the skill stored under it can never be read again, so it goes now rather than at its TTL.
   */
  private async forget(input: HandlerInput, context: SkillRequestContext): Promise<void> {
    try {
      await input.attributesManager.deletePersistentAttributes?.();
    } catch (error) {
      this.logger.error(
        { requestId: context.requestId, err: { type: (error as Error).name } },
        'could not delete the persistent attributes of a user who disabled the skill',
      );
    }
  }

  /** The event from the envelope's facts (`context.facts`, read once for the request). */
  private toEvent(kind: AccountLinkingEvent['event'], context: SkillRequestContext): AccountLinkingEvent {
    const { userId, locale, skillEvent: payload } = context.facts;
    const event: { -readonly [K in keyof AccountLinkingEvent]: AccountLinkingEvent[K] } = {
      event: kind,
      requestId: context.requestId,
      userId,
      userIdHash: userId === undefined ? undefined : hashUserId(userId),
      locale,
      eventCreationTime: payload?.eventCreationTime,
    };
    if (kind === 'permission_accepted' || kind === 'permission_changed') {
      event.acceptedPermissions = payload?.acceptedPermissions ?? [];
      const person = payload?.acceptedPersonPermissions;
      if (person) event.acceptedPersonPermissions = person;
    } else if (kind === 'disabled') {
      const status = payload?.userInformationPersistenceStatus;
      if (status) event.userInformationPersistenceStatus = status;
    } else if (kind === 'linked' && this.settings.includeTokenInLinkedEvent) {
      const token = payload?.linkedAccessToken;
      if (token) event.accessToken = token;
    }
    return Object.freeze(event);
  }
}
