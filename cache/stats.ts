/** The cache's counters, read by `stats()` (and the HTTP /metrics helper). Plain numbers, reset only on restart. */
export interface CacheStats {
  /** Questions answered from the cache (fresh data, negative entries and NSEC synthesis included). */
  hits: number;
  /** Questions that went to the inner resolver. */
  misses: number;
  /** Of the hits, answers served by the wire fast path (stored response bytes). */
  wireHits: number;
  /** Of the hits, NXDOMAIN/NODATA synthesised from cached NSEC/NSEC3, and answers from cached wildcards (RFC 8198). */
  aggressiveHits: number;
  /** Of the hits, bogus verdicts served from the bad cache (RFC 4035 §4.7). */
  badHits: number;
  /** Of the hits, resolution failures served from the failure cache (RFC 9520 §3.2). */
  failureHits: number;
  /** Background refreshes started because an answer was served near its expiry. */
  prefetches: number;
  /** Refreshes of keep-warm names (and their DS/DNSKEY) with no client waiting. */
  keepWarmRefreshes: number;
  /** Answers served from expired data after a failed refresh (RFC 8767). */
  staleAnswers: number;
  /** Entries dropped to stay within the byte budget. */
  evictions: number;
}

export interface CacheStatsSnapshot extends CacheStats {
  /** Bytes charged against the budget now. */
  bytes: number;
  maxBytes: number;
  entries: number;
  /** Names kept warm now (configured + learnt). */
  keepWarmNames: number;
}

export function newStats(): CacheStats {
  return { hits: 0, misses: 0, wireHits: 0, aggressiveHits: 0, badHits: 0, failureHits: 0, prefetches: 0, keepWarmRefreshes: 0, staleAnswers: 0, evictions: 0 };
}
