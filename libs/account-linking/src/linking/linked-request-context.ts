import type { SkillRequestContext } from '@lib/alexa-skill';

/**
 * The request context a `@RequiresLinkedAccount()` handler receives: the guard only lets it run with a
 * checked token, so `accessToken` is a string. Declare it as the type of `handle`'s second parameter.
 */
export type LinkedSkillRequestContext = SkillRequestContext & { readonly accessToken: string };
