import type { FastifyBodyParser, FastifyInstance, FastifyRequest } from 'fastify';

/**
 * A check of a request body's exact bytes before the body is parsed (a signature, say). It resolves whether to
 * parse them: with `false` the body stays unparsed (`request.body` undefined) and the route answers the request;
 * a rejection is answered as an error.
 */
export type RawBodyCheck = (request: FastifyRequest, rawBody: Buffer) => Promise<boolean>;

/** The {@link RawBodyCheck} of each route (Fastify's route URL, e.g. `/alexa`). */
export class RawBodyChecks {
  private readonly byRoute = new Map<string, RawBodyCheck>();

  add(route: string, check: RawBodyCheck): void {
    if (this.byRoute.has(route)) throw new Error(`a raw body check is already registered for ${route}`);
    this.byRoute.set(route, check);
  }

  get(route: string | undefined): RawBodyCheck | undefined {
    return route === undefined ? undefined : this.byRoute.get(route);
  }
}

/**
 * Fastify's JSON parser (secure-json-parse: `__proto__` and `constructor.prototype` keys refused with 400), run
 * only where a parsed body is needed and allowed:
 * - an unknown route's body is not parsed (its answer is 404 whatever the body says);
 * - a route with a {@link RawBodyCheck} parses only bytes that passed it (the route refuses the others).
 * Parsing is what costs before anyone is authenticated: `JSON.parse` and the poisoning scan walk every value,
 * and 130 KB of nested or many small values cost 20-35 times a flat body of the same size.
 */
export function jsonBodyParser(fastify: FastifyInstance, checks: RawBodyChecks): FastifyBodyParser<Buffer> {
  const parse = fastify.getDefaultJsonParser('error', 'error') as unknown as FastifyBodyParser<Buffer>;
  return (request, body, done) => {
    if (request.is404) {
      done(null, undefined);
      return;
    }
    const check = checks.get(request.routeOptions.url);
    if (check === undefined) return parse(request, body, done);
    check(request, body).then(
      (passed) => (passed ? parse(request, body, done) : done(null, undefined)),
      (error: Error) => done(error, undefined),
    );
  };
}
