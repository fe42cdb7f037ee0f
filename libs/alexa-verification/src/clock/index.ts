export type { Clock } from './clock.interface';
export { SystemClock } from './system-clock';
