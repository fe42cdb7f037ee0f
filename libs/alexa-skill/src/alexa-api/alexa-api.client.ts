import { Logger } from '@nestjs/common';
import type { services } from 'ask-sdk-model';
import { isAlexaApiUrl } from './alexa-api-endpoint';

/** Longest an Alexa service-client call may take when not configured: the whole answer is due within 8 s. */
const DEFAULT_ALEXA_API_TIMEOUT_MS = 2000;

/** A service-client call to a URL outside the Alexa API hosts: refused before anything is sent. */
export class AlexaApiEndpointRefusedError extends Error {
  constructor() {
    super('Alexa API call refused: the request apiEndpoint is not an Alexa API host');
    this.name = 'AlexaApiEndpointRefusedError';
  }
}

/**
 * The HTTP client behind ask-sdk's `handlerInput.serviceClientFactory` (UPS, customer profile, lists, ...),
 * built once per skill. ask-sdk's own `DefaultApiClient` sets no timeout; this one bounds every call and
 * follows no redirect (the calls carry the request's apiAccessToken), and sends nothing to a URL outside the
 * Alexa API hosts (the rule of progressive responses: `allowAnyEndpoint` only outside production). As the
 * `ApiClient` contract asks, non-2xx answers resolve; the service clients turn them into errors.
 */
export class AlexaApiClient implements services.ApiClient {
  private readonly logger = new Logger('AlexaApi');

  constructor(
    private readonly allowAnyEndpoint: boolean,
    private readonly timeoutMs: number = DEFAULT_ALEXA_API_TIMEOUT_MS,
  ) {}

  async invoke(request: services.ApiClientRequest): Promise<services.ApiClientResponse> {
    if (!isAlexaApiUrl(request.url, this.allowAnyEndpoint)) {
      this.logger.warn('Alexa API call refused: apiEndpoint is not an Alexa API host');
      throw new AlexaApiEndpointRefusedError();
    }
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers.map(({ key, value }): [string, string] => [key, value]),
      body: request.body,
      redirect: 'error',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const headers = [...response.headers].map(([key, value]) => ({ key, value }));
    return { statusCode: response.status, headers, body: await response.text() };
  }
}
