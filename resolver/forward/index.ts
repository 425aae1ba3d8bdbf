/**
 * Building the resolver a configuration asks for: iteration only, or forwarded zones (`--forward`) in front of
 * iteration. The forwarded zones share one cache of validated keys; each has its own upstream clients and health.
 */
import type { Resolver } from '../api.js';
import { createResolver, type ResolverOptions } from '../resolve.js';
import { createUpstreamClient } from '../transport/upstream.js';
import { ForwardingResolver } from './resolver.js';
import { RoutingResolver } from './routing.js';
import { ChainCache } from './chain-cache.js';
import type { ForwardTable } from './zone-table.js';

export interface ForwardingSetup {
  table: ForwardTable;
  /** PEM CA bundle for DoT/DoH certificates; undefined: Node's default trust store. */
  ca?: string | Buffer;
}

export function createRoutedResolver(options: ResolverOptions, forwarding: ForwardingSetup): Resolver {
  const { table } = forwarding;
  if (table.size === 0) return createResolver(options);
  const keyCache = new ChainCache(options.clock);
  const walkCache = new ChainCache(options.clock);
  const forwarders = new Map<string, Resolver>();
  for (const fz of table.zones()) {
    const clients = fz.upstreams.map((u) => createUpstreamClient(u, forwarding.ca !== undefined ? { ca: forwarding.ca } : {}));
    forwarders.set(fz.zone.key, new ForwardingResolver({
      zone: fz.zone, clients, keyCache, walkCache,
      trustAnchors: options.trustAnchors, clock: options.clock, policy: options.policy, workLimits: options.workLimits, limits: options.limits,
      ...(options.logger ? { logger: options.logger } : {}),
    }));
  }
  const everything = table.zones().some((z) => z.zone.isRoot);
  return new RoutingResolver(table, forwarders, everything ? undefined : createResolver(options));
}

export { ForwardTable } from './zone-table.js';
export { UpstreamUrlError } from './upstream-url.js';
