export { SkillEventDedupe } from './skill-event-dedupe';
export {
  StatePersistenceAdapter,
  AttributesTooLargeError,
  MAX_ATTRIBUTES_BYTES,
} from './state-persistence.adapter';
