/** DI token of one feature's client settings (each `forFeature` module instance has its own). */
export const RESILIENT_CLIENT_OPTIONS = Symbol('RESILIENT_CLIENT_OPTIONS');

const clientTokens = new Map<string, symbol>();

/**
 * DI token of the client declared for a provider: one Symbol per name, so every
 * `@InjectResilientClient('music')` in the app resolves to the same token.
 */
export function getResilientClientToken(name: string): symbol {
  let token = clientTokens.get(name);
  if (token === undefined) {
    token = Symbol(`ResilientHttpClient:${name}`);
    clientTokens.set(name, token);
  }
  return token;
}
