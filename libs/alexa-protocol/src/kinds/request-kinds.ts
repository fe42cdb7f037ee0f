/** The five skill events Amazon redelivers until it gets a 200 (and signs with their original timestamp). */
export const SKILL_EVENT_TYPES = [
  'AlexaSkillEvent.SkillEnabled',
  'AlexaSkillEvent.SkillDisabled',
  'AlexaSkillEvent.SkillPermissionAccepted',
  'AlexaSkillEvent.SkillPermissionChanged',
  'AlexaSkillEvent.SkillAccountLinked',
] as const;

export type SkillEventType = (typeof SKILL_EVENT_TYPES)[number];

const SKILL_EVENTS: ReadonlySet<string> = new Set(SKILL_EVENT_TYPES);

export function isSkillEvent(requestType: string): requestType is SkillEventType {
  return SKILL_EVENTS.has(requestType);
}

/** Request types kept as metric label values; anything else from the wire becomes `other`. */
export const KNOWN_REQUEST_TYPES: ReadonlySet<string> = new Set([
  'LaunchRequest',
  'IntentRequest',
  'SessionEndedRequest',
  'CanFulfillIntentRequest',
  'System.ExceptionEncountered',
  'Connections.Response',
  'AudioPlayer.PlaybackStarted',
  'AudioPlayer.PlaybackFinished',
  'AudioPlayer.PlaybackStopped',
  'AudioPlayer.PlaybackNearlyFinished',
  'AudioPlayer.PlaybackFailed',
  ...SKILL_EVENT_TYPES,
]);

/**
 * How long Amazon redelivers a skill event that got no 200 (its timestamp stays the original one): one hour,
 * the age Amazon's SDKs accept for skill events.
 */
export const SKILL_EVENT_REDELIVERY_WINDOW_MS = 60 * 60 * 1000;
