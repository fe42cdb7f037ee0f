export { readResilientClientConfig } from './client-config';
export type { ConfigReader } from './client-config';
