export { TimestampValidator } from './timestamp-validator';
export type { TimestampTolerances } from './timestamp-validator';
