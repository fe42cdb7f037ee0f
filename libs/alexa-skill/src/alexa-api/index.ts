export { allowsAnyEndpoint } from './alexa-api-endpoint';
export { AlexaApiClient, AlexaApiEndpointRefusedError } from './alexa-api.client';
