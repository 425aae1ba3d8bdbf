/**
 * Named limits of the forwarding resolver (README "Limits"). The request-wide limits (wall clock, upstream
 * query count, CNAME links) are the iterator's (resolver/limits.ts) and apply here too.
 */
export const FORWARD_LIMITS = {
  /**
   * One try at one upstream (connect, handshake and reply included). A recursive upstream answers from cache in
   * milliseconds, but a cold name behind a dead authority costs it seconds of its own retries; past this the
   * next upstream is asked.
   */
  queryTimeoutMs: 3_000,
  /**
   * A timed-out query says the name was slow as much as the upstream: only this many in a row put an upstream in
   * its backoff. A refused or reset connection, a failed TLS authentication or a REFUSED rcode do at once.
   */
  timeoutsBeforeDown: 3,
  /** RTT assumed for an upstream never asked; an upstream with a measured RTT below it is preferred. */
  unknownRttMs: 100,
  /** After a failure an upstream is skipped for this long, doubled per consecutive failure ... */
  downInitialMs: 500,
  /** ... up to this; then one query probes it again (a restarted upstream is back within this long). */
  downMaxMs: 30_000,
  /** Validated chains (zone -> DNSKEY set) remembered across requests, bounded by count and by their TTL. */
  chainCacheEntries: 10_000,
  /** A chain that ended bogus or indeterminate is remembered this briefly (an upstream glitch must not stick). */
  badChainTtlS: 5,
  /** Validated chains are re-checked at least this often even when the DNSKEY TTL is longer. */
  maxChainTtlS: 3_600,
};
