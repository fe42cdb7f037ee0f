/**
 * The Alexa API hosts a request's `context.System.apiEndpoint` may name (North America, Europe, Far East).
 * Calls to it carry the request's apiAccessToken, so they must never go anywhere else.
 * (https://developer.amazon.com/en-US/docs/alexa/custom-skills/request-and-response-json-reference.html#system-object)
 */
const ALEXA_API_HOSTS: ReadonlySet<string> = new Set([
  'api.amazonalexa.com',
  'api.eu.amazonalexa.com',
  'api.fe.amazonalexa.com',
]);

/** Where calls to the Alexa API may go; one rule for progressive responses and the ask-sdk service clients. */
export interface AlexaApiEndpointOptions {
  /**
   * Accept any http(s) `apiEndpoint`, not only Amazon's API hosts: for tests and local simulators
   * (`ALEXA_API_ENDPOINT_ALLOW_ANY`). Refused (start-up fails) when the environment is `production`.
   * @default false
   */
  allowAnyEndpoint?: boolean;
  /**
   * The deployment's environment (`NODE_ENV` from the validated configuration), checked against `production`.
   * @default 'production'
   */
  environment?: string;
}

/** Whether `allowAnyEndpoint` may be used: throws at start-up in production. */
export function allowsAnyEndpoint(owner: string, options: AlexaApiEndpointOptions): boolean {
  const allowAny = options.allowAnyEndpoint ?? false;
  if (allowAny && (options.environment ?? 'production') === 'production') {
    throw new Error(`${owner}: allowAnyEndpoint is refused in production`);
  }
  return allowAny;
}

/** The scheme, host and port rule: Amazon's hosts over https on the default port, or any http(s) origin. */
function acceptableOrigin(url: URL, allowAnyEndpoint: boolean): boolean {
  if (url.username !== '' || url.password !== '') return false;
  if (allowAnyEndpoint) return url.protocol === 'https:' || url.protocol === 'http:';
  return url.protocol === 'https:' && url.port === '' && ALEXA_API_HOSTS.has(url.hostname);
}

/**
 * The API base URL when `apiEndpoint` is acceptable, otherwise undefined. Amazon's hosts only (https, default
 * port, no path), unless `allowAnyEndpoint` (tests, simulators) lets any http(s) URL through.
 */
export function checkApiEndpoint(apiEndpoint: string, allowAnyEndpoint: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(apiEndpoint);
  } catch {
    return undefined;
  }
  if (url.search !== '' || url.hash !== '' || !acceptableOrigin(url, allowAnyEndpoint)) return undefined;
  if (!allowAnyEndpoint && url.pathname !== '/' && url.pathname !== '') return undefined;
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** Whether a call's full URL (path and query of the API operation) goes to an acceptable Alexa API origin. */
export function isAlexaApiUrl(callUrl: string, allowAnyEndpoint: boolean): boolean {
  let url: URL;
  try {
    url = new URL(callUrl);
  } catch {
    return false;
  }
  return acceptableOrigin(url, allowAnyEndpoint);
}
