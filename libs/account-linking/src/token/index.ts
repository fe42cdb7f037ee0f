export { isWellFormedToken, rawAccessToken, readAccessToken } from './access-token';
export type { TokenReading, TokenShapePolicy, TokenStatus } from './access-token';
