/** A CachingResolver over the real iterative resolver on the scripted network, at the scenario's fixed date. */
import { CachingResolver } from '../../cache/caching-resolver.js';
import { DEFAULT_CACHE_OPTIONS, type CacheOptions } from '../../cache/options.js';
import { ManualTimers } from '../../cache/timers.js';
import { buildHierarchy, resolverFor, type Hierarchy, type ZoneDef } from '../scenario/hierarchy.js';
import { standardZones } from '../scenario/zones.js';
import type { ResolveResult } from '../../resolver/api.js';

export interface CachedScenario {
  h: Hierarchy;
  cache: CachingResolver;
  timers: ManualTimers;
  /** Upstream queries sent so far (every query the scripted servers received). */
  upstream: () => number;
}

export function cachedScenario(opts: Partial<CacheOptions> = {}, zones: ZoneDef[] = standardZones()): CachedScenario {
  const h = buildHierarchy(zones);
  const timers = new ManualTimers(h.clock);
  const cache = new CachingResolver(resolverFor(h), { ...DEFAULT_CACHE_OPTIONS, ...opts }, { clock: h.clock, timers });
  return { h, cache, timers, upstream: () => h.net.log.length };
}

/** `owner type ttl` of each record, for comparing answers. */
export const lines = (rrs: ResolveResult['answer']): string[] => rrs.map((r) => `${r.name} ${r.type} ${r.ttl}`);
