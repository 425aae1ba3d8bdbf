/**
 * The client-facing cache: a Resolver wrapping any Resolver (the iterative one, a forwarding one). Order of a
 * lookup: what the cache holds (fromCache: bad cache, fresh answer, failure cache, RRsets, NSEC synthesis) →
 * a cached wildcard (RFC 8198 §5.3) → the inner resolver, with identical questions in flight joined (or, for a
 * question that failed last time, the last failure while it is retried) → on failure, stale data within the
 * window (RFC 8767).
 * Answers served near their expiry are refreshed in the background (prefetch); keep-warm names are refreshed
 * with nobody asking (keep-warm.ts). Checking Disabled queries (RFC 4035 §3.2.2) may read validated data but
 * never write: their results were not validated.
 */
import type { ResolveOptions, ResolveResult, Resolver } from '../resolver/api.js';
import type { Clock } from '../resolver/clock.js';
import { Name } from '../resolver/wire/name.js';
import { RCODE, T } from '../resolver/wire/types.js';
import type { WireFastPath } from '../server/fast-path.js';
import { CacheStore } from './store.js';
import { synthesise, synthesiseWildcard } from './aggressive.js';
import { rdataName } from '../resolver/iterator/records.js';
import { newStats, type CacheStats, type CacheStatsSnapshot } from './stats.js';
import { checkCacheOptions, type CacheOptions } from './options.js';
import { wantsPrefetch } from './ttl.js';
import type { AnswerEntry } from './entries.js';
import { WireCache } from './wire-cache.js';
import { KeepWarm } from './keep-warm.js';
import { systemTimers, type Timers } from './timers.js';

export interface CacheLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface CacheDeps {
  clock: Clock;
  timers?: Timers;
  logger?: CacheLogger;
}

export class CachingResolver implements Resolver {
  readonly store: CacheStore;
  readonly counters: CacheStats = newStats();
  readonly wireFastPath: WireFastPath;
  readonly keepWarm: KeepWarm;
  private readonly inflight = new Map<string, Promise<ResolveResult>>();
  private readonly abort = new AbortController();
  private readonly clock: Clock;

  constructor(private readonly inner: Resolver, readonly opts: CacheOptions, private readonly deps: CacheDeps) {
    checkCacheOptions(opts);
    this.clock = deps.clock;
    this.store = new CacheStore(opts, this.counters);
    this.wireFastPath = new WireCache(this.store, this.counters, deps.clock, {
      served: (e) => this.onServed(e),
      asked: (n, t) => { if (t === T.TLSA) this.keepWarm.noteQuery(n); },
    });
    this.keepWarm = new KeepWarm({
      refresh: (name, type) => this.fetch(name, type),
      store: this.store, clock: deps.clock, timers: deps.timers ?? systemTimers, opts, stats: this.counters,
      ...(deps.logger ? { logger: deps.logger } : {}),
    });
  }

  /** Starts keep-warm for the configured names (the first refresh at once). */
  start(): void {
    this.keepWarm.start();
  }

  resolve(name: Name, type: number, opts: ResolveOptions = {}): Promise<ResolveResult> {
    return this.lookup(name, type, opts, 0);
  }

  /** `depth`: CNAMEs synthesised from cached wildcards on the way here (bounded: a wildcard may point at itself). */
  private async lookup(name: Name, type: number, opts: ResolveOptions, depth: number): Promise<ResolveResult> {
    const now = this.clock.now();
    if (opts.cd === true) {
      // CD: validated data may be given, unvalidated results are not stored.
      const hit = this.store.lookup(name, type, now);
      if (hit) { this.counters.hits++; return hit.result; }
      this.counters.misses++;
      return this.inner.resolve(name, type, opts);
    }
    if (type === T.TLSA) this.keepWarm.noteQuery(name);
    const cached = this.fromCache(name, type, now);
    if (cached) return cached;
    const fromWildcard = depth < MAX_SYNTHESISED_LINKS ? synthesiseWildcard(this.store, name, type, now) : undefined;
    if (fromWildcard) {
      this.counters.hits++;
      this.counters.aggressiveHits++;
      const cname = fromWildcard.answer.find((rr) => rr.type === T.CNAME);
      if (!cname || type === T.CNAME) return fromWildcard;
      // RFC 1034 §4.3.2: a CNAME answer continues at its target, from the cache or upstream.
      return followed(fromWildcard, await this.lookup(rdataName(cname), type, opts, depth + 1));
    }
    // A question that failed last time and is being retried now: the clients that arrive meanwhile get the last
    // failure at once instead of waiting on the retry with it (only the one that started it waits).
    const lastFailure = this.inflight.has(flightKey(name, type)) ? this.store.lastFailure(name, type, now) : undefined;
    if (lastFailure) { this.counters.hits++; this.counters.failureHits++; return lastFailure; }
    this.counters.misses++;
    this.deps.logger?.debug({ qname: name.toString(), qtype: type }, 'cache miss');
    const result = await this.fetch(name, type);
    if (failed(result) && this.opts.serveStale) {
      const stale = this.store.lookup(name, type, this.clock.now(), this.opts.staleWindowS * 1000);
      if (stale?.stale) { this.counters.staleAnswers++; return stale.result; }
    }
    // What was stored is what later hits will serve (TTLs within --cache-min-ttl/--cache-max-ttl, RFC 2308
    // negative TTLs): hand out the same from the first answer on.
    const stored = failed(result) ? undefined : this.store.lookup(name, type, this.clock.now());
    return stored && !stored.stale ? stored.result : result;
  }

  /**
   * What the cache answers without asking anyone, in this order: a remembered bogus verdict (RFC 4035 §4.7),
   * a fresh answer, a remembered resolution failure (RFC 9520 §3.2; stale data first when serve-stale is on),
   * a validated RRset of another answer, an NXDOMAIN/NODATA synthesised from cached NSEC/NSEC3 (RFC 8198).
   */
  private fromCache(name: Name, type: number, now: number): ResolveResult | undefined {
    const bad = this.store.bad(name, type, now);
    if (bad?.verdict.status === 'bogus') { this.counters.hits++; this.counters.badHits++; return bad; }
    const hit = this.store.lookup(name, type, now);
    if (hit) {
      this.counters.hits++;
      this.onServed(hit.entry);
      return hit.result;
    }
    if (bad) {
      // After fresh data (a failed refresh does not hide it), with stale data standing in when allowed (RFC 8767 §4).
      const stale = this.opts.serveStale ? this.store.lookup(name, type, now, this.opts.staleWindowS * 1000) : undefined;
      if (stale?.stale) { this.counters.staleAnswers++; return stale.result; }
      this.counters.hits++;
      this.counters.failureHits++;
      return bad;
    }
    const held = this.store.lookupRrset(name, type, now);
    if (held) { this.counters.hits++; return held; }
    const synthesised = synthesise(this.store, name, type, now);
    if (synthesised) { this.counters.hits++; this.counters.aggressiveHits++; return synthesised; }
    return undefined;
  }

  resolveTLSA(host: Name | string, port: number, proto = 'tcp', opts: ResolveOptions = {}): Promise<ResolveResult> {
    const base = typeof host === 'string' ? Name.parse(host.endsWith('.') ? host : `${host}.`) : host;
    // RFC 6698 §3: the TLSA owner is _port._proto.host.
    return this.resolve(base.prepend(`_${proto}`).prepend(`_${port}`), T.TLSA, opts);
  }

  /** Counters and memory use, for logs and the HTTP /metrics helper. */
  stats(): CacheStatsSnapshot {
    return { ...this.counters, bytes: this.store.bytes, maxBytes: this.opts.maxBytes, entries: this.store.lru.size, keepWarmNames: this.keepWarm.size };
  }

  async close(): Promise<void> {
    this.keepWarm.close();
    this.abort.abort();
    await this.inner.close();
  }

  /** Prefetch: an answer served with less than prefetch-share of its TTL left is refreshed in the background. */
  private onServed(entry: AnswerEntry): void {
    if (!wantsPrefetch(entry.storedAt, entry.expiresAt, this.clock.now(), this.opts.prefetchShare)) return;
    if (this.inflight.has(flightKey(entry.qname, entry.qtype))) return; // joined: one refresh is enough
    this.counters.prefetches++;
    this.fetch(entry.qname, entry.qtype).catch((err: unknown) => this.deps.logger?.warn({ err: (err as Error)?.message }, 'prefetch failed'));
  }

  /** One inner resolution per question at a time; its result is absorbed into the cache. */
  private fetch(name: Name, type: number): Promise<ResolveResult> {
    const key = flightKey(name, type);
    const running = this.inflight.get(key);
    if (running) return running;
    const p = this.inner.resolve(name, type, { signal: this.abort.signal })
      .then((result) => { this.absorb(result); return result; })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private absorb(result: ResolveResult): void {
    const now = this.clock.now();
    if (result.verdict.status === 'bogus') {
      // RFC 4035 §4.7: remember the failure; the old data (if any) must not be served again.
      this.store.putBad(result, now);
      this.store.forget(result.qname, result.qtype);
      return;
    }
    if (failed(result)) {
      // RFC 9520 §3.2; a resolution cut short by our own shutdown says nothing about the zone.
      if (!this.abort.signal.aborted) this.store.putFailure(result, now);
      return;
    }
    this.store.recovered(result.qname, result.qtype);
    this.store.putResult(result, now);
  }
}

/** CNAME links synthesised from cached wildcards for one question; past it, the inner resolver is asked. */
export const MAX_SYNTHESISED_LINKS = 8;

/**
 * A synthesised CNAME followed by the resolution of its target: one answer in chain order, secure only when the
 * target is (RFC 4035 §5.3.3: each RRset of the chain is judged on its own, the weakest verdict stands).
 */
function followed(head: ResolveResult, tail: ResolveResult): ResolveResult {
  const verdict = tail.verdict.status === 'secure' ? head.verdict : tail.verdict;
  const out: ResolveResult = {
    qname: head.qname, qtype: head.qtype, rcode: tail.rcode, verdict,
    answer: [...head.answer, ...tail.answer], authority: [...head.authority, ...tail.authority],
  };
  if (head.ttl !== undefined && tail.ttl !== undefined) out.ttl = Math.min(head.ttl, tail.ttl);
  return out;
}

/** A resolution that produced no answer to cache: what serve-stale (RFC 8767 §4) stands in for. */
function failed(result: ResolveResult): boolean {
  return result.rcode === RCODE.SERVFAIL && result.verdict.status !== 'bogus';
}

const flightKey = (name: Name, type: number): string => `${name.key}|${type}`;

