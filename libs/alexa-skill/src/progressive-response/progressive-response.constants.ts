/** Provider name of the directive API client (the `provider` label of its upstream metrics). */
export const ALEXA_DIRECTIVES_PROVIDER = 'alexa-directives';
