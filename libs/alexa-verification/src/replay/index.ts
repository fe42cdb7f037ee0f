export type { ReplayStore } from './replay-store.interface';
export { InMemoryReplayStore } from './in-memory-replay-store';
export { ReplayProtector } from './replay-protector';
export type { Delivery } from './replay-protector';
export { isAlexaRedelivery, markAlexaRedelivery } from './alexa-redelivery';
