export type { TrustStore } from './trust-store.interface';
export { PemTrustStore } from './pem-trust-store';
