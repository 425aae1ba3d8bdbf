/**
 * TTLs as a cache may use them: RFC 2181 §8 (a TTL with the top bit set counts as zero), RFC 4035 §5.3.3 (a
 * validated RRset lives no longer than its RRSIG's Original TTL or the signature's expiry: the validator
 * computes that bound), RFC 2308 §5 / RFC 9077 §3 (a negative answer lives no longer than the SOA's TTL and
 * MINIMUM). Pure: records are copied, never changed in place.
 */
import { decodeSoa } from '../wire/rdata.js';
import { T, type Message, type RR } from '../wire/types.js';

/** RFC 2181 §8: "a TTL value ... is an unsigned number, with a minimum value of 0, and a maximum of 2^31 - 1". */
export const MAX_TTL = 0x7fffffff;

/** RFC 2181 §8: "values ... that have the most significant bit set [are] treated as ... zero". */
export function effectiveTtl(ttl: number): number {
  return ttl > MAX_TTL || ttl < 0 ? 0 : ttl;
}

/** A reply with every record's TTL read as RFC 2181 §8 says (the OPT pseudo-record is not a record here). */
export function normaliseTtls(msg: Message): Message {
  const fix = (rrs: RR[]): RR[] => (rrs.some((rr) => effectiveTtl(rr.ttl) !== rr.ttl) ? rrs.map((rr) => ({ ...rr, ttl: effectiveTtl(rr.ttl) })) : rrs);
  return { ...msg, answer: fix(msg.answer), authority: fix(msg.authority), additional: fix(msg.additional) };
}

/** Copies of `rrs` whose TTLs do not exceed `cap` (RFC 4035 §5.3.3 for validated data). */
export function capTtls(rrs: readonly RR[], cap: number): RR[] {
  return rrs.map((rr) => (rr.ttl > cap ? { ...rr, ttl: cap } : rr));
}

/**
 * How long an unvalidated answer may be kept: the lowest TTL of its records; for a negative answer also the
 * SOA's MINIMUM (RFC 2308 §5). No records at all: 0 (nothing to say how long it holds).
 */
export function answerTtl(answer: readonly RR[], authority: readonly RR[], negative: boolean): number {
  let ttl = Infinity;
  for (const rr of answer) ttl = Math.min(ttl, rr.ttl);
  if (negative) {
    for (const rr of authority) {
      if (rr.type !== T.SOA) continue;
      ttl = Math.min(ttl, rr.ttl);
      try { ttl = Math.min(ttl, decodeSoa(rr.rdata).minimum); } catch { /* the TTL alone bounds it */ }
    }
  }
  return ttl === Infinity ? 0 : ttl;
}
