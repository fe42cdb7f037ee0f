const REDELIVERY = Symbol.for('alexa-verification.redelivery');

type Marked = { [REDELIVERY]?: true };

/**
 * Set by the verification guard on the request object (the Fastify request that `@Req()` yields) when a skill
 * event arrives again with a request ID already accepted: the endpoint should answer 200 without dispatching it.
 */
export function markAlexaRedelivery(request: object): void {
  (request as Marked)[REDELIVERY] = true;
}

/** Whether the verification guard found this request to be a redelivered skill event. */
export function isAlexaRedelivery(request: object): boolean {
  return (request as Marked)[REDELIVERY] === true;
}
