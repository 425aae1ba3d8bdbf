/**
 * How long an answer may be kept: the smallest TTL of the answer records, or for a negative answer the SOA rule
 * of RFC 2308 §5 (the lesser of the SOA's TTL and its MINIMUM field). Used for DoH's Cache-Control (RFC 8484
 * §5.1: the freshness lifetime MUST NOT exceed the smallest TTL of the Answer section) and /tlsa's `ttl`.
 */
import { decodeSoa } from '../../resolver/wire/rdata.js';
import { T } from '../../resolver/wire/types.js';
import type { RR } from '../../resolver/wire/types.js';

/** Seconds, or undefined when there is nothing to time it by (SERVFAIL, refusals). */
export function answerTtl(answer: readonly RR[], authority: readonly RR[]): number | undefined {
  if (answer.length > 0) return Math.min(...answer.map((rr) => rr.ttl));
  for (const rr of authority) {
    if (rr.type !== T.SOA) continue;
    try {
      return Math.min(rr.ttl, decodeSoa(rr.rdata).minimum);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
