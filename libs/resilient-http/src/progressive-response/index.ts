export { ALEXA_API_HOSTS } from './alexa-api-endpoint';
export { ALEXA_DIRECTIVES_PROVIDER } from './progressive-response.constants';
export { ProgressiveResponseClient, progressiveTargetFrom } from './progressive-response.client';
export type { ProgressiveResponseEnvelope, ProgressiveResponseTarget } from './progressive-response.client';
export { ProgressiveResponseModule } from './progressive-response.module';
export type { ProgressiveResponseOptions } from './progressive-response-options.interface';
