/**
 * Remembers accepted request IDs for as long as their timestamp would still pass. The default keeps them in
 * memory, per pod; a shared store (e.g. Redis `SET NX PX`) would make the protection cluster-wide.
 */
export interface ReplayStore {
  /**
   * Remembers `requestId` until `expiresAt` (epoch ms). Returns `true` when it was new, `false` when it was
   * already remembered and has not expired.
   */
  remember(requestId: string, expiresAt: number): boolean | Promise<boolean>;
}
