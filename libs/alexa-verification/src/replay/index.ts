export { ReplayProtector, REPLAY_CLOCK_MARGIN_MS } from './replay-protector';
