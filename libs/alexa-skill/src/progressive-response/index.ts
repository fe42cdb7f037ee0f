export { ALEXA_DIRECTIVES_PROVIDER } from './progressive-response.constants';
export { ProgressiveResponseClient, progressiveTargetFrom } from './progressive-response.client';
export type { ProgressiveResponseFacts, ProgressiveResponseTarget } from './progressive-response.client';
export { ProgressiveResponseModule } from './progressive-response.module';
export type { ProgressiveResponseOptions } from './progressive-response-options.interface';
