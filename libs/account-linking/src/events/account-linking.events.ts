import type { AccountLinkEventLabel } from '../metrics/account-linking.metrics';

/**
 * Names of the Nest events (`@nestjs/event-emitter`) emitted once per skill event, e.g.
 * `@OnEvent(ACCOUNT_LINKING_EVENTS.linked) warm(event: AccountLinkingEvent) { ... }`.
 */
export const ACCOUNT_LINKING_EVENTS = {
  linked: 'account-linking.linked',
  enabled: 'account-linking.enabled',
  disabled: 'account-linking.disabled',
  permission_accepted: 'account-linking.permission_accepted',
  permission_changed: 'account-linking.permission_changed',
} as const satisfies Record<AccountLinkEventLabel, string>;

export type AccountLinkingEventName = (typeof ACCOUNT_LINKING_EVENTS)[AccountLinkEventLabel];

/** The Alexa skill event behind each Nest event. */
export const SKILL_EVENT_KINDS: Readonly<Record<string, AccountLinkEventLabel>> = {
  'AlexaSkillEvent.SkillAccountLinked': 'linked',
  'AlexaSkillEvent.SkillEnabled': 'enabled',
  'AlexaSkillEvent.SkillDisabled': 'disabled',
  'AlexaSkillEvent.SkillPermissionAccepted': 'permission_accepted',
  'AlexaSkillEvent.SkillPermissionChanged': 'permission_changed',
};

/**
 * The payload of every account-linking Nest event. Emitted after the event was counted and before it is
 * acknowledged; listeners run detached from the answer, so a slow or failing listener never delays or
 * breaks the acknowledgement (Amazon would redeliver). Each Amazon request ID is emitted once.
 */
export interface AccountLinkingEvent {
  /** Which event: `linked`, `enabled`, `disabled`, `permission_accepted`, `permission_changed`. */
  readonly event: AccountLinkEventLabel;
  /** Amazon's request ID of the skill event (stable across redeliveries). */
  readonly requestId: string;
  /**
   * Alexa's user ID, to key the team's own data (a new one after disable and re-enable). Personal data:
   * log `userIdHash` instead.
   */
  readonly userId: string | undefined;
  /** A short, stable hash of `userId`, safe for logs. */
  readonly userIdHash: string | undefined;
  /** The locale of the event, when Amazon sends one. */
  readonly locale: string | undefined;
  /** When the event happened (ISO 8601). Events may arrive late (retries for up to an hour) and out of order. */
  readonly eventCreationTime: string | undefined;
  /** `permission_accepted` / `permission_changed`: the account-level scopes accepted now. */
  readonly acceptedPermissions?: readonly string[];
  /** `permission_accepted` / `permission_changed`: the person-level scopes accepted now, when sent. */
  readonly acceptedPersonPermissions?: readonly string[];
  /** `disabled`: whether Amazon keeps the user's data (`PERSISTED` or `NOT_PERSISTED`), when sent. */
  readonly userInformationPersistenceStatus?: string;
  /** `linked`: the new access token, only with the module option `includeTokenInLinkedEvent`. Never log it. */
  readonly accessToken?: string;
}
