/** The cache's pure pieces at fixed instants: TTL arithmetic, rank rules, the byte budget, option checks. */
import { describe, expect, it } from 'vitest';
import { negativeTtl, remainingTtl, secondsToSigExpiry, storedTtl, wantsPrefetch, wireTtl } from '../../cache/ttl.js';
import { mayReplace, RANK, rankOf } from '../../cache/rank.js';
import { CacheStore } from '../../cache/store.js';
import { newStats } from '../../cache/stats.js';
import { CacheOptionError, checkCacheOptions, DEFAULT_CACHE_OPTIONS, MIN_CACHE_MAX_BYTES } from '../../cache/options.js';
import { keepWarmOwner } from '../../cache/keep-warm.js';
import { Name } from '../../resolver/wire/name.js';
import { CLASS_IN, RCODE, T, type RR } from '../../resolver/wire/types.js';
import { insecure, secure } from '../../resolver/dnssec/verdict.js';
import type { ResolveResult } from '../../resolver/api.js';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const nm = (s: string): Name => Name.parse(s);
const rr = (name: string, type: number, ttl: number, rdata: number[] = [192, 0, 2, 1]): RR => ({ name: nm(name), type, class: CLASS_IN, ttl, rdata: Uint8Array.from(rdata) });

/** SOA RDATA with the given MINIMUM: two root names then five 32-bit fields. */
function soa(owner: string, ttl: number, minimum: number): RR {
  const fields = [1, 7200, 3600, 1209600, minimum].flatMap((v) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
  return rr(owner, T.SOA, ttl, [0, 0, ...fields]);
}

/** RRSIG RDATA covering `covered`, expiring at `expiration` (Unix seconds), signer `.`. */
function rrsig(owner: string, covered: number, ttl: number, expiration: number): RR {
  const u32 = (v: number): number[] => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  return rr(owner, T.RRSIG, ttl, [covered >> 8, covered & 255, 15, 2, ...u32(ttl), ...u32(expiration), ...u32(0), 0, 1, 0, 9, 9, 9]);
}

const result = (qname: string, answer: RR[], status: 'secure' | 'insecure' = 'secure', authority: RR[] = []): ResolveResult => ({
  qname: nm(qname), qtype: answer[0]?.type ?? T.A, rcode: RCODE.NOERROR, answer, authority,
  verdict: status === 'secure' ? secure('test') : insecure('test'),
});

describe('TTL arithmetic', () => {
  it('RFC 2181 §8: a TTL with the top bit set counts as zero', () => {
    expect([wireTtl(0x80000000), wireTtl(0xffffffff), wireTtl(0x7fffffff), wireTtl(5)]).toEqual([0, 0, 0x7fffffff, 5]);
  });

  it('the lowest TTL of the set (RFC 2181 §5.2), then the operator bounds', () => {
    const set = [rr('a.', T.A, 300), rr('a.', T.A, 100, [1, 2, 3, 4])];
    expect(storedTtl(set, 0, 86400)).toBe(100);
    expect(storedTtl(set, 200, 86400)).toBe(200);
    expect(storedTtl(set, 0, 50)).toBe(50);
    expect(storedTtl([rr('a.', T.A, 0x80000001)], 0, 86400)).toBe(0);
  });

  it('RFC 2308 §5: negative TTL = min(SOA TTL, SOA MINIMUM), capped; no SOA, no caching', () => {
    expect(negativeTtl(soa('z.', 3600, 300), 10800)).toBe(300);
    expect(negativeTtl(soa('z.', 60, 300), 10800)).toBe(60);
    expect(negativeTtl(soa('z.', 86400, 86400), 10800)).toBe(10800);
    expect(negativeTtl(undefined, 10800)).toBeUndefined();
    expect(negativeTtl(rr('z.', T.SOA, 60, [0, 0]), 10800)).toBeUndefined();
  });

  it('RFC 4035 §5.3.3: seconds to the earliest RRSIG expiration, serial arithmetic across 2^32', () => {
    const nowS = NOW / 1000;
    expect(secondsToSigExpiry([rrsig('a.', T.A, 3600, nowS + 500), rrsig('a.', T.A, 3600, nowS + 90)], NOW)).toBe(90);
    expect(secondsToSigExpiry([rrsig('a.', T.A, 3600, nowS - 5)], NOW)).toBe(0);
    expect(secondsToSigExpiry([], NOW)).toBe(Infinity);
    // An expiration just past 2^32 wraps to a small number and is still "in the future" (RFC 4034 §3.1.5).
    const nearWrap = 2 ** 32 - 10;
    expect(secondsToSigExpiry([rrsig('a.', T.A, 3600, 20)], nearWrap * 1000)).toBe(30);
  });

  it('RFC 4035 §5.3.3: a stored RRset never outlives its RRSIGs\' Original TTL', () => {
    const store = new CacheStore({ ...DEFAULT_CACHE_OPTIONS }, newStats());
    // A record TTL above the signed Original TTL (120 s), as a careless or hostile upstream could send.
    const sig = rrsig('a.example.', T.A, 120, NOW / 1000 + 86400);
    store.putResult(result('a.example.', [rr('a.example.', T.A, 3600), { ...sig, ttl: 3600 }]), NOW);
    expect(store.lookup(nm('a.example.'), T.A, NOW)!.result.answer.map((x) => x.ttl)).toEqual([120, 120]);
    expect(store.lookup(nm('a.example.'), T.A, NOW + 121_000)).toBeUndefined();
  });

  it('served TTLs count down by whole elapsed seconds and never go below zero', () => {
    expect(remainingTtl(NOW + 11_000, NOW)).toBe(11);
    expect(remainingTtl(NOW + 11_000, NOW + 1)).toBe(11);
    expect(remainingTtl(NOW + 11_000, NOW + 1000)).toBe(10);
    expect(remainingTtl(NOW - 1, NOW)).toBe(0);
  });

  it('prefetch when less than the share of the lifetime is left, and not after expiry', () => {
    expect(wantsPrefetch(NOW, NOW + 100_000, NOW + 89_000, 0.1)).toBe(false);
    expect(wantsPrefetch(NOW, NOW + 100_000, NOW + 91_000, 0.1)).toBe(true);
    expect(wantsPrefetch(NOW, NOW + 100_000, NOW + 100_000, 0.1)).toBe(false);
    expect(wantsPrefetch(NOW, NOW + 100_000, NOW + 99_000, 0)).toBe(false);
  });
});

describe('trust ranks (RFC 2181 §5.4.1)', () => {
  it('secure over insecure, answer over authority; bogus and indeterminate are never ranked', () => {
    expect(rankOf('secure', 'answer')).toBe(RANK.SECURE_ANSWER);
    expect(rankOf('insecure', 'authority')).toBe(RANK.INSECURE_AUTHORITY);
    expect(rankOf('bogus', 'answer')).toBeUndefined();
    expect(rankOf('indeterminate', 'answer')).toBeUndefined();
    expect(RANK.SECURE_AUTHORITY).toBeGreaterThan(RANK.INSECURE_ANSWER);
  });

  it('an unexpired better entry is kept; an expired one may be replaced by anything', () => {
    const held = { rank: RANK.SECURE_ANSWER, expiresAt: NOW + 1000 };
    expect(mayReplace(held, RANK.INSECURE_ANSWER, NOW)).toBe(false);
    expect(mayReplace(held, RANK.SECURE_AUTHORITY, NOW)).toBe(false);
    expect(mayReplace(held, RANK.SECURE_ANSWER, NOW)).toBe(true);
    expect(mayReplace(held, RANK.INSECURE_AUTHORITY, NOW + 1000)).toBe(true);
    expect(mayReplace(undefined, RANK.INSECURE_AUTHORITY, NOW)).toBe(true);
  });

  it('in the store: a secure RRset is not overwritten by an insecure copy of it', () => {
    const store = new CacheStore({ ...DEFAULT_CACHE_OPTIONS }, newStats());
    store.putResult(result('a.example.', [rr('a.example.', T.A, 300), rrsig('a.example.', T.A, 300, NOW / 1000 + 86400)]), NOW);
    store.putResult(result('a.example.', [rr('a.example.', T.A, 300, [10, 0, 0, 1])], 'insecure'), NOW + 1000);
    const hit = store.lookup(nm('a.example.'), T.A, NOW + 2000)!;
    expect(Array.from(hit.result.answer[0]!.rdata)).toEqual([192, 0, 2, 1]);
    expect(hit.result.answer.some((x) => x.type === T.RRSIG)).toBe(true);
  });
});

describe('composition keeps the verdict honest', () => {
  it('a secure answer is not served (even stale) once its RRset was replaced by insecure data', () => {
    const store = new CacheStore({ ...DEFAULT_CACHE_OPTIONS }, newStats());
    store.putResult(result('a.example.', [rr('a.example.', T.A, 300), rrsig('a.example.', T.A, 300, NOW / 1000 + 86400)]), NOW);
    // Expired: another question's insecure copy of the RRset may now replace it (RFC 2181 §5.4.1).
    store.putResult(result('b.example.', [rr('b.example.', T.CNAME, 300, [1, 97, 7, ...Buffer.from('example'), 0]), rr('a.example.', T.A, 300, [10, 0, 0, 1])], 'insecure'), NOW + 301_000);
    expect(store.lookup(nm('a.example.'), T.A, NOW + 302_000, 86400_000)).toBeUndefined();
  });

  it('the NSEC index forgets an NSEC when its RRset leaves the cache', () => {
    const store = new CacheStore({ ...DEFAULT_CACHE_OPTIONS }, newStats());
    const nsec = rr('a.example.', T.NSEC, 300, [1, 98, 7, ...Buffer.from('example'), 0, 0, 1, 0x40]);
    store.putResult({ ...result('a.example.', [nsec, rrsig('a.example.', T.NSEC, 300, NOW / 1000 + 86400)]), qtype: T.NSEC }, NOW);
    expect(store.nsecs.closestZone(nm('x.example.'))?.zone.toString()).toBe('.');
    store.lru.delete(`r${nm('a.example.').key}|${T.NSEC}|${CLASS_IN}`);
    expect(store.nsecs.closestZone(nm('x.example.'))).toBeUndefined();
  });
});

describe('byte budget', () => {
  it('stays under --cache-max-bytes with a flood of distinct names, counting evictions', () => {
    const stats = newStats();
    const store = new CacheStore({ ...DEFAULT_CACHE_OPTIONS, maxBytes: MIN_CACHE_MAX_BYTES }, stats);
    for (let i = 0; i < 2000; i++) {
      const owner = `_443._tcp.host${i}.example.`;
      store.putResult(result(owner, [rr(owner, T.TLSA, 300, new Array(35).fill(7)), rrsig(owner, T.TLSA, 300, NOW / 1000 + 86400)]), NOW);
      expect(store.bytes).toBeLessThanOrEqual(MIN_CACHE_MAX_BYTES);
    }
    expect(stats.evictions).toBeGreaterThan(0);
    // The newest names are still there; the oldest went first.
    expect(store.lookup(nm('_443._tcp.host1999.example.'), T.TLSA, NOW)).toBeDefined();
    expect(store.lookup(nm('_443._tcp.host0.example.'), T.TLSA, NOW)).toBeUndefined();
  });

  it('an answer whose RRset was evicted is a miss, not a partial answer', () => {
    const store = new CacheStore({ ...DEFAULT_CACHE_OPTIONS }, newStats());
    store.putResult(result('a.example.', [rr('a.example.', T.A, 300)], 'insecure'), NOW);
    store.lru.delete(`r${nm('a.example.').key}|${T.A}|${CLASS_IN}`);
    expect(store.lookup(nm('a.example.'), T.A, NOW)).toBeUndefined();
  });

  it('bad cache entries expire at --bad-cache-ttl', () => {
    const store = new CacheStore({ ...DEFAULT_CACHE_OPTIONS, badTtlS: 60 }, newStats());
    const bogus: ResolveResult = { qname: nm('x.example.'), qtype: T.A, rcode: RCODE.SERVFAIL, answer: [], authority: [], verdict: { status: 'bogus', reason: 'r', ede: 6 } };
    store.putBad(bogus, NOW);
    expect(store.bad(nm('X.example.'), T.A, NOW + 59_999)?.verdict.status).toBe('bogus');
    expect(store.bad(nm('x.example.'), T.A, NOW + 60_000)).toBeUndefined();
  });

  it('stale lookups: only within the window, flagged stale', () => {
    const store = new CacheStore({ ...DEFAULT_CACHE_OPTIONS }, newStats());
    store.putResult(result('a.example.', [rr('a.example.', T.A, 300)], 'insecure'), NOW);
    expect(store.lookup(nm('a.example.'), T.A, NOW + 301_000)).toBeUndefined();
    const stale = store.lookup(nm('a.example.'), T.A, NOW + 301_000, 100_000)!;
    expect([stale.stale, stale.result.verdict.ede, stale.result.answer[0]!.ttl]).toEqual([true, 3, 30]);
    expect(store.lookup(nm('a.example.'), T.A, NOW + 400_000, 100_000)).toBeUndefined();
  });
});

describe('options', () => {
  it('rejects out-of-range values with the option named', () => {
    const bad = [
      { maxBytes: 10 }, { minTtlS: 100, maxTtlS: 10 }, { prefetchShare: 1.5 }, { badTtlS: 901 }, { staleWindowS: -1 }, { learnMinQueries: 0 },
    ];
    for (const b of bad) expect(() => checkCacheOptions({ ...DEFAULT_CACHE_OPTIONS, ...b })).toThrow(CacheOptionError);
    expect(checkCacheOptions({ ...DEFAULT_CACHE_OPTIONS })).toBeDefined();
  });

  it('keep-warm names: host:port, a TLSA owner, a _device name; bad ones are errors', () => {
    expect(keepWarmOwner('js.example:443').toString()).toBe('_443._tcp.js.example.');
    expect(keepWarmOwner('_25._tcp.mail.example.').toString()).toBe('_25._tcp.mail.example.');
    expect(keepWarmOwner('ns._device.example').toString()).toBe('ns._device.example.');
    expect(() => keepWarmOwner('host:70000')).toThrow(CacheOptionError);
    expect(() => keepWarmOwner('a..b')).toThrow(CacheOptionError);
  });
});
