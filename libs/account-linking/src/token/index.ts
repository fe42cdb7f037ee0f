export { isWellFormedToken, readAccessToken } from './access-token';
export type { TokenReading, TokenShapePolicy, TokenStatus } from './access-token';
