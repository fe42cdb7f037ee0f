export { AlexaRequestVerifier } from './alexa-request-verifier';
export type { AlexaRequestVerifierParts, VerificationInput } from './alexa-request-verifier';
