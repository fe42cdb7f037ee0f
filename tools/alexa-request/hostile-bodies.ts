// Request bodies that are cheap to send and expensive to parse: what an unauthenticated client can make a
// server do if it parses before it checks the signature. Shared by the hostile-traffic tests and
// bench/hostile-traffic.bench.ts. Erasable TypeScript: Node 24 runs it directly.

/** `flat`: one long string; `deep`: nested arrays; `wide`: many small objects; `forest`: small trees, many times. */
export type HostileBodyShape = 'flat' | 'deep' | 'wide' | 'forest';

/** The size the attacks use: just under the default 128 KiB body limit. */
export const HOSTILE_BODY_BYTES = 130_000;

/**
 * A JSON text of exactly `bytes` bytes in the given shape. Every shape but `flat` carries a `constructor` key,
 * which makes secure-json-parse's prototype-poisoning scan walk every value.
 */
export function hostileBody(shape: HostileBodyShape, bytes = HOSTILE_BODY_BYTES): string {
  const marker = '{"constructor":{}}';
  switch (shape) {
    case 'flat':
      return `{"a":"${'x'.repeat(bytes - 8)}"}`;
    case 'deep': {
      const depth = Math.floor((bytes - marker.length) / 2);
      return `${'['.repeat(depth)}${marker}${']'.repeat(depth)}`.padEnd(bytes, ' ');
    }
    case 'wide': {
      const count = Math.floor((bytes - marker.length - 2) / 3);
      return `[${marker}${',{}'.repeat(count)}]`.padEnd(bytes, ' ');
    }
    case 'forest': {
      const tree = `${'['.repeat(8)}${']'.repeat(8)}`;
      const count = Math.floor((bytes - marker.length - 2) / (tree.length + 1));
      return `[${marker}${`,${tree}`.repeat(count)}]`.padEnd(bytes, ' ');
    }
  }
}
