/**
 * TTL arithmetic of the cache, pure: clamping to the operator's bounds, RFC 2181 §8, the negative TTL of
 * RFC 2308 §5, the RRSIG expiration bound (RFC 4035 §5.3.3) and the decremented TTL of a served record.
 */
import type { RR } from '../resolver/wire/types.js';
import { T } from '../resolver/wire/types.js';

/** RFC 2181 §8: "a TTL value ... with the most significant bit set ... should be treated as if [it] were zero." */
export function wireTtl(ttl: number): number {
  return ttl > 0x7fffffff || ttl < 0 ? 0 : ttl;
}

/** The TTL an RRset is kept for: its lowest record TTL (RFC 2181 §5.2), RFC 2181 §8, then the operator bounds. */
export function storedTtl(rrs: readonly RR[], minTtlS: number, maxTtlS: number): number {
  let ttl = Infinity;
  for (const rr of rrs) ttl = Math.min(ttl, wireTtl(rr.ttl));
  if (ttl === Infinity) ttl = 0;
  return Math.min(Math.max(ttl, minTtlS), maxTtlS);
}

/**
 * RFC 2308 §5: a negative answer is cached for the lesser of the SOA's TTL and its MINIMUM field (the last four
 * RDATA octets), capped at `maxS`. Undefined when no well-formed SOA is given (then it is not cached, §5).
 */
export function negativeTtl(soa: RR | undefined, maxS: number): number | undefined {
  if (!soa || soa.type !== T.SOA || soa.rdata.length < 20) return undefined;
  const r = soa.rdata;
  const at = r.length - 4;
  const minimum = ((r[at]! << 24) >>> 0) + (r[at + 1]! << 16) + (r[at + 2]! << 8) + r[at + 3]!;
  return Math.min(wireTtl(soa.ttl), wireTtl(minimum), maxS);
}

/**
 * Seconds until the earliest RRSIG expiration among `sigs`, read with RFC 1982 serial arithmetic (RFC 4034
 * §3.1.5); Infinity without signatures. Data must not be served past its signatures (RFC 4035 §5.3.3).
 */
export function secondsToSigExpiry(sigs: readonly RR[], nowMs: number): number {
  const nowS = Math.floor(nowMs / 1000) >>> 0;
  let least = Infinity;
  for (const sig of sigs) {
    if (sig.type !== T.RRSIG || sig.rdata.length < 12) continue;
    const r = sig.rdata;
    const expiration = ((r[8]! << 24) >>> 0) + (r[9]! << 16) + (r[10]! << 8) + r[11]!;
    const delta = (expiration - nowS) | 0; // serial difference as a signed 32-bit number
    least = Math.min(least, Math.max(delta, 0));
  }
  return least;
}

/** RFC 4035 §5.3.3: the TTL of a validated RRset is at most its RRSIGs' Original TTL; Infinity without signatures. */
export function sigOriginalTtl(sigs: readonly RR[]): number {
  let least = Infinity;
  for (const sig of sigs) {
    if (sig.type !== T.RRSIG || sig.rdata.length < 8) continue;
    const r = sig.rdata;
    least = Math.min(least, wireTtl(((r[4]! << 24) >>> 0) + (r[5]! << 16) + (r[6]! << 8) + r[7]!));
  }
  return least;
}

/**
 * The TTL a served record carries (RFC 1035 §3.2.1): its stored TTL less the whole seconds elapsed, as the wire
 * fast path patches it — seconds left rounded up, so an answer served just after it was stored keeps its TTL.
 */
export function remainingTtl(expiresAtMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((expiresAtMs - nowMs) / 1000));
}

/** True when less than `share` of the original lifetime is left: time to refresh in the background. */
export function wantsPrefetch(storedAtMs: number, expiresAtMs: number, nowMs: number, share: number): boolean {
  const lifetime = expiresAtMs - storedAtMs;
  if (lifetime <= 0 || nowMs >= expiresAtMs) return false;
  return expiresAtMs - nowMs < share * lifetime;
}

/** Copies of `rrs` carrying `ttl`, the data untouched. */
export function withTtl(rrs: readonly RR[], ttl: number): RR[] {
  return rrs.map((rr) => (rr.ttl === ttl ? rr : { ...rr, ttl }));
}
