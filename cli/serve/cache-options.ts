/** From the checked `serve` configuration (cli/options) to the cache's options (cache/options.ts). */
import { CacheOptionError, checkCacheOptions, DEFAULT_CACHE_OPTIONS, type CacheOptions } from '../../cache/options.js';
import { keepWarmOwner } from '../../cache/keep-warm.js';
import type { DaneelOptions } from '../options/options.js';
import { UsageError } from '../config.js';

/** CacheOptions from the checked configuration; a value the cache cannot take is a UsageError (exit 64). */
export function cacheOptionsFrom(o: Pick<DaneelOptions, 'cache' | 'keepWarm'>): CacheOptions {
  const d = DEFAULT_CACHE_OPTIONS;
  const c = o.cache;
  const k = o.keepWarm;
  try {
    const opts: CacheOptions = {
      maxBytes: c.maxBytes ?? d.maxBytes,
      minTtlS: c.minTtl ?? d.minTtlS,
      maxTtlS: c.maxTtl ?? d.maxTtlS,
      prefetchShare: c.prefetchShare ?? d.prefetchShare,
      badTtlS: c.badTtl ?? d.badTtlS,
      serveStale: c.serveStale ?? d.serveStale,
      staleWindowS: c.staleWindow ?? d.staleWindowS,
      keepWarm: k.names,
      learnMax: k.learnMax ?? d.learnMax,
      learnMinQueries: k.learnMinQueries ?? d.learnMinQueries,
    };
    for (const name of opts.keepWarm) keepWarmOwner(name);
    return checkCacheOptions(opts);
  } catch (err) {
    if (err instanceof CacheOptionError) throw new UsageError(err.message);
    throw err;
  }
}
