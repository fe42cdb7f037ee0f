export { AccountLinkingErrorHandler, upstreamAccessError } from './account-linking-error.handler';
