/**
 * The cache's settings and named limits (README "Cache and keep-warm", limits table). Every number that bounds
 * memory, time or work is a constant here with the reason for its value.
 */

/** Default byte budget of the whole cache (RRsets, answers, negative and bad entries, wire responses). */
export const DEFAULT_CACHE_MAX_BYTES = 64 * 1024 * 1024;
/** Smallest budget accepted (as the configuration schema, cli/options/schema.ts): a few hundred answers. */
export const MIN_CACHE_MAX_BYTES = 1024 * 1024;
/** RFC 8767 §4 / RFC 2181 §8: a TTL is at most 2^31 - 1 s; we cap stored TTLs at one week by default. */
export const DEFAULT_CACHE_MAX_TTL_S = 7 * 86400;
export const DEFAULT_CACHE_MIN_TTL_S = 0;
/** Share of the original TTL left below which a served answer is refreshed in the background. */
export const DEFAULT_PREFETCH_SHARE = 0.1;
/** RFC 4035 §4.7: how long a bogus verdict is remembered; short so a repaired zone recovers quickly. */
export const DEFAULT_BAD_CACHE_TTL_S = 60;
/** RFC 4035 §4.7 asks for a limit on the bad cache's lifetime: --bad-cache-ttl cannot exceed 15 minutes. */
export const MAX_BAD_CACHE_TTL_S = 900;
/**
 * RFC 9520 §3.2: a resolution failure (SERVFAIL without a bogus verdict: no server answered, a limit was hit) is
 * remembered for FAILURE_CACHE_TTL_S, doubled at each consecutive failure of the same question up to
 * MAX_FAILURE_CACHE_TTL_S, so that a dead or hostile zone costs one resolution per period, not one per query.
 */
export const FAILURE_CACHE_TTL_S = 5;
export const MAX_FAILURE_CACHE_TTL_S = 300;
/** RFC 8767 §5: a stale window of 1 to 3 days is suggested; our default is 1 day when serve-stale is on. */
export const DEFAULT_STALE_WINDOW_S = 86400;
/** RFC 8767 §4: the TTL given to a stale answer ("30 seconds is RECOMMENDED"). */
export const STALE_ANSWER_TTL_S = 30;
/** RFC 2308 §5: negative answers are cached at most this long (3 hours is the RFC's suggested cap). */
export const MAX_NEGATIVE_TTL_S = 10800;
/** RFC 8198: at most this many cached secure NSEC/NSEC3 records per zone are indexed for synthesis (oldest dropped). */
export const MAX_NSEC_PER_ZONE = 512;
/** Keep-warm: names learnt from traffic at most (the configured names are not counted). */
export const DEFAULT_KEEP_WARM_LEARN_MAX = 100;
/** Keep-warm: a TLSA name asked this many times (while not yet warm) joins the learnt set. */
export const DEFAULT_KEEP_WARM_LEARN_MIN_QUERIES = 3;
/** Keep-warm: TLSA names whose ask counts are tracked at most (an LRU; the flood of one-off names falls out). */
export const KEEP_WARM_CANDIDATES_MAX = 4096;
/** Keep-warm: a learnt name not asked for this long leaves the set at its next refresh. */
export const KEEP_WARM_IDLE_MS = 3600_000;
/** Keep-warm: a refresh that failed is retried after this delay (and the old data kept meanwhile). */
export const KEEP_WARM_RETRY_MS = 5_000;
/** Keep-warm: a refresh is never scheduled sooner than this after the previous one (TTL 0 data, clock skew). */
export const KEEP_WARM_MIN_INTERVAL_MS = 1_000;
/** Keep-warm: zones walked up from a peer's zone to the root when warming DS and DNSKEY (a deep tree is cut). */
export const KEEP_WARM_MAX_CHAIN = 16;

export interface CacheOptions {
  maxBytes: number;
  minTtlS: number;
  maxTtlS: number;
  prefetchShare: number;
  badTtlS: number;
  serveStale: boolean;
  staleWindowS: number;
  /** Names kept warm (TLSA owner, host:port, or a `_device` client-id name). */
  keepWarm: string[];
  learnMax: number;
  learnMinQueries: number;
}

export const DEFAULT_CACHE_OPTIONS: CacheOptions = {
  maxBytes: DEFAULT_CACHE_MAX_BYTES,
  minTtlS: DEFAULT_CACHE_MIN_TTL_S,
  maxTtlS: DEFAULT_CACHE_MAX_TTL_S,
  prefetchShare: DEFAULT_PREFETCH_SHARE,
  badTtlS: DEFAULT_BAD_CACHE_TTL_S,
  serveStale: false,
  staleWindowS: DEFAULT_STALE_WINDOW_S,
  keepWarm: [],
  learnMax: DEFAULT_KEEP_WARM_LEARN_MAX,
  learnMinQueries: DEFAULT_KEEP_WARM_LEARN_MIN_QUERIES,
};

export class CacheOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CacheOptionError';
  }
}

/** Checks a full option set; throws CacheOptionError naming the bad value. */
export function checkCacheOptions(o: CacheOptions): CacheOptions {
  const int = (v: number, name: string, min: number, max: number): void => {
    if (!Number.isInteger(v) || v < min || v > max) throw new CacheOptionError(`${name} must be an integer from ${min} to ${max}, got ${v}`);
  };
  int(o.maxBytes, 'cache max-bytes', MIN_CACHE_MAX_BYTES, Number.MAX_SAFE_INTEGER);
  int(o.minTtlS, 'cache min-ttl', 0, 0x7fffffff);
  int(o.maxTtlS, 'cache max-ttl', 0, 0x7fffffff);
  if (o.minTtlS > o.maxTtlS) throw new CacheOptionError(`cache min-ttl (${o.minTtlS}) is above max-ttl (${o.maxTtlS})`);
  if (!(o.prefetchShare >= 0 && o.prefetchShare <= 1)) throw new CacheOptionError(`prefetch-share must be from 0 to 1, got ${o.prefetchShare}`);
  int(o.badTtlS, 'bad-cache-ttl', 0, MAX_BAD_CACHE_TTL_S);
  int(o.staleWindowS, 'serve-stale-window', 0, 0x7fffffff);
  int(o.learnMax, 'keep-warm learn-max', 0, 100_000);
  int(o.learnMinQueries, 'keep-warm learn-min-queries', 1, 1_000_000);
  return o;
}
