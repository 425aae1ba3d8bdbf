/** From the checked `serve` configuration (cli/options) to the cache's options, and its counters to /metrics. */
import { CacheOptionError, checkCacheOptions, DEFAULT_CACHE_OPTIONS, type CacheOptions } from '../../cache/options.js';
import { keepWarmOwner } from '../../cache/keep-warm.js';
import type { DaneelOptions } from '../options/options.js';
import { UsageError } from '../config.js';
import type { CacheStatsSnapshot } from '../../cache/stats.js';
import type { MetricsRegistry } from '../../server/metrics/registry.js';

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

/** The cache's counters (cache/stats.ts), read at each /metrics scrape. */
const CACHE_METRICS: ReadonlyArray<{ name: string; help: string; kind: 'counter' | 'gauge'; read: (s: CacheStatsSnapshot) => number }> = [
  { name: 'daneel_cache_hits_total', help: 'questions answered from the cache (fast path, negative, NSEC synthesis, bad and failure cache included)', kind: 'counter', read: (s) => s.hits },
  { name: 'daneel_cache_misses_total', help: 'questions sent to the resolver behind the cache', kind: 'counter', read: (s) => s.misses },
  { name: 'daneel_cache_wire_hits_total', help: 'answers served from stored response bytes (fast path)', kind: 'counter', read: (s) => s.wireHits },
  { name: 'daneel_cache_synthesised_total', help: 'NXDOMAIN/NODATA synthesised from cached NSEC/NSEC3 and answers from cached wildcards (RFC 8198)', kind: 'counter', read: (s) => s.aggressiveHits },
  { name: 'daneel_cache_bad_hits_total', help: 'bogus verdicts served from the bad cache (RFC 4035 4.7)', kind: 'counter', read: (s) => s.badHits },
  { name: 'daneel_cache_failure_hits_total', help: 'resolution failures served from the failure cache (RFC 9520 3.2)', kind: 'counter', read: (s) => s.failureHits },
  { name: 'daneel_cache_prefetches_total', help: 'background refreshes of answers served near expiry', kind: 'counter', read: (s) => s.prefetches },
  { name: 'daneel_cache_keep_warm_refreshes_total', help: 'keep-warm refreshes (TLSA, DS, DNSKEY) with no client waiting', kind: 'counter', read: (s) => s.keepWarmRefreshes },
  { name: 'daneel_cache_stale_answers_total', help: 'answers served from expired data after a failed refresh (RFC 8767)', kind: 'counter', read: (s) => s.staleAnswers },
  { name: 'daneel_cache_evictions_total', help: 'entries evicted to stay within --cache-max-bytes', kind: 'counter', read: (s) => s.evictions },
  { name: 'daneel_cache_bytes', help: 'bytes charged against --cache-max-bytes', kind: 'gauge', read: (s) => s.bytes },
  { name: 'daneel_cache_entries', help: 'entries held (RRsets, answers, bad and wire entries)', kind: 'gauge', read: (s) => s.entries },
  { name: 'daneel_cache_keep_warm_names', help: 'names kept warm (configured and learnt)', kind: 'gauge', read: (s) => s.keepWarmNames },
];

export function registerCacheStats(registry: MetricsRegistry, cache: { stats(): CacheStatsSnapshot }): void {
  for (const m of CACHE_METRICS) registry.fromStats({ name: m.name, help: m.help, kind: m.kind }, () => m.read(cache.stats()));
}
