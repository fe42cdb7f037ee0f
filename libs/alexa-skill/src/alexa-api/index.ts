export { ALEXA_API_HOSTS, allowsAnyEndpoint, checkApiEndpoint } from './alexa-api-endpoint';
export type { AlexaApiEndpointOptions } from './alexa-api-endpoint';
export {
  AlexaApiClient,
  AlexaApiEndpointRefusedError,
  DEFAULT_ALEXA_API_TIMEOUT_MS,
} from './alexa-api.client';
