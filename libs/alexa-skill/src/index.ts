export { AlexaSkillModule } from './alexa-skill.module';
export type {
  AlexaApiOptions,
  AlexaSkillModuleOptions,
  AlexaSkillModuleExtras,
} from './alexa-skill-options.interface';
export { AlexaApiEndpointRefusedError } from './alexa-api';
export { skillRequestReport } from './skill-endpoint/skill-endpoint.controller';
export {
  IntentHandler,
  RequestHandler,
  SkillEventHandler,
  SkillErrorHandler,
  SkillRequestInterceptor,
  SkillResponseInterceptor,
  SkillHandlerGuard,
} from './handlers/skill-handler.decorators';
export type { SkillHandlerOptions } from './handlers/skill-handler.decorators';
export type {
  SkillHandler,
  SkillErrorHandlerInterface,
  SkillRequestInterceptorInterface,
  SkillResponseInterceptorInterface,
  SkillHandlerGuardInterface,
  SkillHandlerTarget,
} from './handlers/skill-handler.interface';
export { AccessTokenNotRequiredError, SkillRequestContext } from './handlers/skill-request-context';
export type { AcceptedAccessToken } from './handlers/skill-request-context';
export { AlexaSkillService, NoSkillHandlerError } from './skill/alexa-skill.service';
export type { SkillInvocationReport } from './skill/alexa-skill.service';
export { AttributesTooLargeError, MAX_ATTRIBUTES_BYTES } from './state';
export { SpeechTexts } from './speech/speech-texts';
export type { SpeechCatalog } from './speech/speech-texts';
export { SpeechNumberFormats } from './speech/number-formats';
export type { LocaleResolver } from './speech/number-formats';
export { escapeSsml } from './speech/ssml';
export {
  BUILT_IN_TEXTS_TOKEN,
  DEFAULT_DEADLINE_MS,
  DEFAULT_ENDPOINT_PATH,
  DEFAULT_MAX_RESPONSE_BYTES,
} from './alexa-skill.constants';
export type { BuiltInTextKey } from './built-in/built-in.texts';
export type { LocalizedLine, SkillContributionOptions } from './built-in/skill-contributions';
export {
  ALEXA_DIRECTIVES_PROVIDER,
  ProgressiveResponseClient,
  ProgressiveResponseModule,
  progressiveTargetFrom,
} from './progressive-response';
export type {
  ProgressiveResponseFacts,
  ProgressiveResponseOptions,
  ProgressiveResponseTarget,
} from './progressive-response';
