export { AlexaVerificationGuard } from './alexa-verification.guard';
