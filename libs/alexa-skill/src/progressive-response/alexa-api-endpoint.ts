/**
 * The Alexa API hosts a request's `context.System.apiEndpoint` may name (North America, Europe, Far East).
 * The directive call carries the request's apiAccessToken, so it must never go anywhere else.
 * (https://developer.amazon.com/en-US/docs/alexa/custom-skills/request-and-response-json-reference.html#system-object)
 */
export const ALEXA_API_HOSTS: ReadonlySet<string> = new Set([
  'api.amazonalexa.com',
  'api.eu.amazonalexa.com',
  'api.fe.amazonalexa.com',
]);

/**
 * The directive API base URL when `apiEndpoint` is acceptable, otherwise undefined. Amazon's hosts only
 * (https, default port, no path), unless `allowAnyEndpoint` (tests, simulators) lets any http(s) URL through.
 */
export function checkApiEndpoint(apiEndpoint: string, allowAnyEndpoint: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(apiEndpoint);
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return undefined;
  const base = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  if (allowAnyEndpoint) return url.protocol === 'https:' || url.protocol === 'http:' ? base : undefined;
  const amazon =
    url.protocol === 'https:' &&
    url.port === '' &&
    (url.pathname === '/' || url.pathname === '') &&
    ALEXA_API_HOSTS.has(url.hostname);
  return amazon ? base : undefined;
}
