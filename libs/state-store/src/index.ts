export { StateStoreModule } from './state-store.module';
export type { StateStoreModuleOptions } from './state-store-options.interface';
export { DEVELOPMENT_STATE_KEY_SECRET, STATE_STORE } from './state-store.constants';
export {
  STATE_STORE_OPERATIONS,
  StateStoreUnavailableError,
  type StateStore,
  type StateStoreBackend,
  type StateStoreOperation,
} from './state-store.interface';
export { StateKeys } from './keys/state-keys';
export { InMemoryStateStore } from './memory/in-memory-state-store';
