import CacheableLookup from 'cacheable-lookup';
import type { LookupFunction } from 'node:net';

/**
 * An answer is reused for at most this long even when its TTL is longer, so a moved upstream is followed
 * within minutes. Kubernetes' CoreDNS answers with 30 s TTLs; public APIs often with 60-300 s.
 */
const MAX_TTL_SECONDS = 300;

let shared: LookupFunction | undefined;

/**
 * How outgoing connections (upstream APIs, Amazon's certificate downloads) resolve host names, for
 * `http.Agent`/`https.Agent`'s `lookup` option: one process-wide cache. The DNS servers of /etc/resolv.conf are
 * asked directly (c-ares, asynchronous on the event loop) and each answer is kept for its TTL. Node's default,
 * `dns.lookup`, runs getaddrinfo on libuv's thread pool, the pool that also runs the request signature checks:
 * one stalled lookup (a slow cluster DNS, `ndots:5` search lists) would hold every signature check queued
 * behind it. Names DNS does not know (entries of /etc/hosts such as `localhost`) fall back to `dns.lookup`,
 * remembered as such for an hour.
 */
export function upstreamDnsLookup(): LookupFunction {
  if (!shared) {
    const cache = new CacheableLookup({ maxTtl: MAX_TTL_SECONDS });
    shared = cache.lookup.bind(cache) as unknown as LookupFunction;
  }
  return shared;
}
