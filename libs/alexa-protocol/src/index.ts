export type { RequestEnvelope } from 'ask-sdk-model';
export { ALEXA_SKILL_ENDPOINT } from './skill-endpoint.constants';
export {
  isSkillEvent,
  KNOWN_REQUEST_TYPES,
  SKILL_EVENT_REDELIVERY_WINDOW_MS,
  SKILL_EVENT_TYPES,
} from './kinds/request-kinds';
export type { SkillEventType } from './kinds/request-kinds';
export { readEnvelope } from './envelope/read-envelope';
export type {
  AccessTokenFact,
  AccessTokenSource,
  EnvelopeFacts,
  EnvelopeReading,
  EnvelopeRefusal,
  SkillEventFacts,
} from './envelope/envelope-facts.interface';
export { resolvedSlot } from './slots/resolved-slot';
export type { ResolvedSlotValue } from './slots/resolved-slot';
