export { AccountLinkingErrorHandler, upstreamAccessError } from './account-linking-error.handler';
export { upstreamErrorSpeech, UpstreamErrorSpeechModule } from './upstream-error-speech';
export type { UpstreamErrorSpeechDeclaration } from './upstream-error-speech';
