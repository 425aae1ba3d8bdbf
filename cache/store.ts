/**
 * The cache's memory: one LRU (lru-cache) bounded by bytes, holding RRsets, answers (a question's rcode, verdict
 * and the keys of its RRsets), the bad cache and encoded responses. Pure: every call takes `now`.
 *
 * - An answer is composed from its RRsets, so a CNAME chain is the chain's RRsets (RFC 1034 §4.3.2).
 * - RRsets carry their trust rank; a better one that has not expired is never replaced (RFC 2181 §5.4.1).
 * - Expired entries stay until evicted so that serve-stale (RFC 8767) can use them within its window.
 */
import { LRUCache } from 'lru-cache';
import type { ResolveResult } from '../resolver/api.js';
import { Name } from '../resolver/wire/name.js';
import { CLASS_IN, RCODE, T } from '../resolver/wire/types.js';
import type { RR } from '../resolver/wire/types.js';
import { groupRrsets } from '../resolver/dnssec/rrsets.js';
import type { RrsetGroup } from '../resolver/dnssec/rrsets.js';
import { decodeRrsig } from '../resolver/wire/dnssec-rdata.js';
import { EDE } from '../resolver/dnssec/verdict.js';
import type { Verdict } from '../resolver/dnssec/verdict.js';
import { mayReplace, RANK, rankOf } from './rank.js';
import type { Rank } from './rank.js';
import {
  answerKey, badKey, entrySize, nxdomainKey, rrsetKey,
  type AnswerEntry, type BadEntry, type Entry, type RrsetEntry,
} from './entries.js';
import { negativeTtl, remainingTtl, secondsToSigExpiry, sigOriginalTtl, storedTtl, withTtl } from './ttl.js';
import { FAILURE_CACHE_TTL_S, MAX_FAILURE_CACHE_TTL_S, MAX_NEGATIVE_TTL_S, STALE_ANSWER_TTL_S, type CacheOptions } from './options.js';
import { NsecIndex } from './nsec-index.js';
import { signerOf } from '../resolver/iterator/records.js';
import type { CacheStats } from './stats.js';

/** A cache hit: the result to hand out and the answer entry it came from. */
export interface Hit {
  result: ResolveResult;
  entry: AnswerEntry;
  /** True when served past its TTL (RFC 8767). */
  stale: boolean;
}

export class CacheStore {
  readonly lru: LRUCache<string, Entry>;
  readonly nsecs = new NsecIndex();

  constructor(private readonly opts: CacheOptions, private readonly stats: CacheStats) {
    this.lru = new LRUCache<string, Entry>({
      maxSize: opts.maxBytes,
      sizeCalculation: (entry, key) => entrySize(entry, key),
      dispose: (entry, key, reason) => {
        if (reason === 'evict') stats.evictions++;
        // The NSEC index follows the LRU: an NSEC gone from the cache is gone from synthesis.
        if (entry.kind === 'rrset' && entry.signer && (entry.type === T.NSEC || entry.type === T.NSEC3)) this.nsecs.remove(entry.signer, entry.name, key);
      },
    });
  }

  get bytes(): number {
    return this.lru.calculatedSize;
  }

  /**
   * Stores a validated resolution (secure or insecure, NOERROR or NXDOMAIN). Returns the answer entry, or
   * undefined when the result is not cacheable (bogus, indeterminate, SERVFAIL, a negative answer without SOA).
   */
  putResult(result: ResolveResult, now: number): AnswerEntry | undefined {
    const { verdict, rcode } = result;
    if (rcode !== RCODE.NOERROR && rcode !== RCODE.NXDOMAIN) return undefined;
    const answerRank = rankOf(verdict.status, 'answer');
    const authorityRank = rankOf(verdict.status, 'authority');
    if (answerRank === undefined || authorityRank === undefined) return undefined;
    const answerGroups = groupRrsets(result.answer);
    // NODATA: no RRset of the asked type at the end of the chain (RFC 2308 §2.2).
    const negative = rcode === RCODE.NXDOMAIN || !answerGroups.some((g) => g.type === result.qtype);
    let expiresAt = Infinity;
    if (negative) {
      // RFC 2308 §5: no SOA, no negative caching; the SOA TTL and MINIMUM bound how long.
      const soa = result.authority.find((rr) => rr.type === T.SOA);
      const ttl = negativeTtl(soa, Math.min(MAX_NEGATIVE_TTL_S, this.opts.maxTtlS));
      if (ttl === undefined) return undefined;
      expiresAt = now + Math.max(ttl, this.opts.minTtlS) * 1000;
    }
    const answer = answerGroups.map((g) => this.putRrset(g, answerRank, verdict, now));
    if (verdict.status === 'secure') for (const g of answerGroups) this.putWildcardSource(g, answerRank, verdict, now);
    const authority = groupRrsets(result.authority).map((g) => this.putRrset(g, authorityRank, verdict, now));
    for (const held of [...answer, ...authority]) expiresAt = Math.min(expiresAt, held.entry.expiresAt);
    if (expiresAt === Infinity) return undefined;
    // Name.compare, not equals(): equals would fill the stored name's key cache (memory).
    const qname = answer.find((h) => Name.compare(h.entry.name, result.qname) === 0)?.entry.name ?? new Name(result.qname.labels);
    const entry: AnswerEntry = {
      kind: 'answer', qname, qtype: result.qtype, rcode, verdict, negative, storedAt: now, expiresAt,
      answer: answer.map((h) => h.key), authority: authority.map((h) => h.key),
    };
    this.lru.set(answerKey(result.qname, result.qtype), entry);
    if (rcode === RCODE.NXDOMAIN && answer.length === 0) this.lru.set(nxdomainKey(result.qname), entry);
    return entry;
  }

  /** Stores one RRset unless a better-ranked, unexpired one is held (RFC 2181 §5.4.1); returns what is held. */
  private putRrset(g: RrsetGroup, rank: Rank, verdict: Verdict, now: number): { key: string; entry: RrsetEntry } {
    const key = rrsetKey(g.name, g.type, g.class);
    const held = this.lru.get(key);
    if (held?.kind === 'rrset' && !mayReplace(held, rank, now)) return { key, entry: held };
    // RFC 4035 §5.3.3: never longer than the RRSIGs' Original TTL, never past their expiration.
    const ttl = Math.min(storedTtl(g.rrs, this.opts.minTtlS, this.opts.maxTtlS), sigOriginalTtl(g.sigs), secondsToSigExpiry(g.sigs, now));
    // One owner Name for the set, without the caches (key string, wire) the resolution filled: memory.
    const owner = new Name(g.name.labels);
    const entry: RrsetEntry = {
      kind: 'rrset', name: owner, type: g.type, class: g.class, rrs: sharingName(g.rrs, owner), sigs: sharingName(g.sigs, owner), rank, verdict,
      storedAt: now, expiresAt: now + ttl * 1000,
    };
    const signer = verdict.status === 'secure' ? signerOf(g.sigs) : undefined;
    if (signer) entry.signer = signer;
    this.lru.set(key, entry);
    if (signer && (g.type === T.NSEC || g.type === T.NSEC3)) this.nsecs.add(signer, owner, key);
    return { key, entry };
  }

  /**
   * RFC 8198 §5.3: a secure RRset that was a wildcard expansion (RRSIG Labels below the owner's label count,
   * RFC 4035 §5.3.2) is also held under its wildcard owner `*.<Labels rightmost labels>`, where its signatures
   * were made, so that other names the wildcard matches can be answered from it (aggressive.ts, with a proof).
   */
  private putWildcardSource(g: RrsetGroup, rank: Rank, verdict: Verdict, now: number): void {
    const labels = wildcardLabels(g);
    if (labels === undefined) return;
    const wildcard = g.name.suffix(labels).prepend('*');
    const renamed = (rrs: RR[]): RR[] => rrs.map((rr) => ({ ...rr, name: wildcard }));
    this.putRrset({ ...g, name: wildcard, rrs: renamed(g.rrs), sigs: renamed(g.sigs) }, rank, verdict, now);
  }

  /** An RRset entry, or undefined when absent or expired beyond `graceMs`. */
  rrset(key: string, now: number, graceMs = 0): RrsetEntry | undefined {
    const e = this.lru.get(key);
    if (e?.kind !== 'rrset' || e.expiresAt + graceMs <= now) return undefined;
    return e;
  }

  /** The cached answer for a question: fresh, or (with `staleWindowMs` > 0) expired within that window. */
  lookup(qname: Name, qtype: number, now: number, staleWindowMs = 0): Hit | undefined {
    const entry = this.answerEntry(qname, qtype);
    if (!entry || entry.expiresAt + staleWindowMs <= now) return undefined;
    const stale = entry.expiresAt <= now;
    const result = this.compose(entry, qname, qtype, now, stale ? staleWindowMs : 0);
    return result ? { result: stale ? staleResult(result) : result, entry, stale } : undefined;
  }

  /**
   * A question never asked but whose RRset is held from another answer (a CNAME chain's target): answered from
   * that RRset when its signatures verified in the answer section (RFC 2181 §5.4.1 top rank, RFC 4035 §4.3) and
   * it is not a wildcard expansion (whose proof belongs to the other answer).
   */
  lookupRrset(qname: Name, qtype: number, now: number): ResolveResult | undefined {
    if (qtype === T.ANY || qtype === T.RRSIG) return undefined;
    const e = this.rrset(rrsetKey(qname, qtype, CLASS_IN), now);
    // Unsigned members of a secure answer (a CNAME synthesised from a DNAME) stand only beside what proved them.
    if (!e || e.rank !== RANK.SECURE_ANSWER || e.verdict.status !== 'secure' || e.sigs.length === 0 || wildcardLabels(e) !== undefined) return undefined;
    const ttl = remainingTtl(e.expiresAt, now);
    return { qname, qtype, rcode: RCODE.NOERROR, answer: [...withTtl(e.rrs, ttl), ...withTtl(e.sigs, ttl)], authority: [], verdict: e.verdict, ttl };
  }

  /** The answer entry for a question, the name's NXDOMAIN entry standing in for any type (RFC 2308 §5). */
  answerEntry(qname: Name, qtype: number): AnswerEntry | undefined {
    const e = this.lru.get(answerKey(qname, qtype)) ?? this.lru.get(nxdomainKey(qname));
    return e?.kind === 'answer' ? e : undefined;
  }

  /** Rebuilds a result from the entry's RRsets with decremented TTLs; undefined when one of them is gone. */
  private compose(entry: AnswerEntry, qname: Name, qtype: number, now: number, graceMs: number): ResolveResult | undefined {
    const stale = graceMs > 0;
    const section = (keys: string[], cap: number): RR[] | undefined => {
      const out: RR[] = [];
      for (const key of keys) {
        const set = this.rrset(key, now, graceMs);
        if (!set) return undefined;
        // A secure answer is made of secure RRsets only (RFC 4035 §4.3): an RRset replaced after it expired by
        // data of a lower rank cannot stand in one.
        if (entry.verdict.status === 'secure' && set.verdict.status !== 'secure') return undefined;
        const ttl = stale ? STALE_ANSWER_TTL_S : Math.min(remainingTtl(set.expiresAt, now), cap);
        out.push(...withTtl(set.rrs, ttl), ...withTtl(set.sigs, ttl));
      }
      return out;
    };
    // RFC 2308 §3: the SOA (and proofs) of a negative answer carry the negative TTL left.
    const cap = entry.negative ? remainingTtl(entry.expiresAt, now) : Infinity;
    const answer = section(entry.answer, Infinity);
    const authority = section(entry.authority, cap);
    if (!answer || !authority) return undefined;
    return { qname, qtype, rcode: entry.rcode, answer, authority, verdict: entry.verdict };
  }

  /** RFC 4035 §4.7: remembers a bogus verdict for the bad-cache TTL. */
  putBad(result: ResolveResult, now: number): void {
    if (this.opts.badTtlS <= 0) return;
    const entry: BadEntry = { kind: 'bad', result: { ...result, answer: [], authority: [] }, storedAt: now, expiresAt: now + this.opts.badTtlS * 1000 };
    this.lru.set(badKey(result.qname, result.qtype), entry);
  }

  /**
   * RFC 9520 §3.2: remembers a resolution failure for FAILURE_CACHE_TTL_S, doubled for each failure of the same
   * question that follows one still remembered (or just expired), up to MAX_FAILURE_CACHE_TTL_S.
   */
  putFailure(result: ResolveResult, now: number): void {
    const key = badKey(result.qname, result.qtype);
    const held = this.lru.get(key);
    // A bogus verdict already held stays: it says more than "no answer".
    if (held?.kind === 'bad' && held.failures === undefined && held.expiresAt > now) return;
    const recent = held?.kind === 'bad' && held.failures !== undefined && held.expiresAt + MAX_FAILURE_CACHE_TTL_S * 1000 > now;
    const failures = recent ? held.failures! + 1 : 1;
    const ttlS = Math.min(MAX_FAILURE_CACHE_TTL_S, FAILURE_CACHE_TTL_S * 2 ** Math.min(failures - 1, 16));
    const entry: BadEntry = { kind: 'bad', result: { ...result, answer: [], authority: [] }, storedAt: now, expiresAt: now + ttlS * 1000, failures };
    this.lru.set(key, entry);
  }

  /** The last resolution failure of the question, even past its time (while it still sets the backoff). */
  lastFailure(qname: Name, qtype: number, now: number): ResolveResult | undefined {
    const e = this.lru.get(badKey(qname, qtype));
    if (e?.kind !== 'bad' || e.failures === undefined || e.expiresAt + MAX_FAILURE_CACHE_TTL_S * 1000 <= now) return undefined;
    return { ...e.result, qname };
  }

  /** A remembered bogus verdict or resolution failure for the question, while it lasts. */
  bad(qname: Name, qtype: number, now: number): ResolveResult | undefined {
    const e = this.lru.get(badKey(qname, qtype));
    if (e?.kind !== 'bad' || e.expiresAt <= now) return undefined; // an expired failure stays: it sets the backoff
    return { ...e.result, qname };
  }

  /** A refresh found the question bogus: its old answer (or the name's NXDOMAIN) must not be served any more. */
  forget(qname: Name, qtype: number): void {
    this.lru.delete(answerKey(qname, qtype));
    this.lru.delete(nxdomainKey(qname));
    // Nor may the RRset itself answer the question (lookupRrset) once the bad-cache entry has expired.
    this.lru.delete(rrsetKey(qname, qtype, CLASS_IN));
  }

  /** An answer came back: a failure remembered for the question no longer counts towards the backoff. */
  recovered(qname: Name, qtype: number): void {
    const key = badKey(qname, qtype);
    const e = this.lru.get(key);
    if (e?.kind === 'bad' && e.failures !== undefined) this.lru.delete(key);
  }
}

/** RFC 8767 §4 + RFC 8914 §4.4: a stale answer says so with EDE 3 (Stale Answer). */
function staleResult(result: ResolveResult): ResolveResult {
  const v = result.verdict;
  const verdict: Verdict = { ...v, reason: `stale answer (RFC 8767), upstream refresh failed; was: ${v.reason}`, ede: EDE.STALE_ANSWER };
  return { ...result, verdict };
}

/** The records with one Name object for the owner: decoded messages give each record its own (memory). */
function sharingName(rrs: RR[], name: Name): RR[] {
  return rrs.map((rr) => (rr.name === name ? rr : { ...rr, name }));
}

/** The RRSIG Labels of a wildcard-expanded RRset (all its RRSIGs agree and count fewer labels), else undefined. */
function wildcardLabels(g: RrsetGroup): number | undefined {
  const owner = g.name.labelCount - (g.name.isWildcard ? 1 : 0);
  let labels: number | undefined;
  for (const sig of g.sigs) {
    let l: number;
    try {
      l = decodeRrsig(sig.rdata).labels;
    } catch {
      return undefined;
    }
    if (labels !== undefined && l !== labels) return undefined;
    labels = l;
  }
  return labels !== undefined && labels < owner ? labels : undefined;
}
