/**
 * Metadata key set on the skill endpoint controller. Cross-cutting guards (request verification) act only
 * on classes that carry it, so health and other routes pass untouched.
 */
export const ALEXA_SKILL_ENDPOINT = 'alexa-skill:endpoint';
