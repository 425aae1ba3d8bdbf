/**
 * Trust ranks of cached data (RFC 2181 §5.4.1, extended for DNSSEC as Unbound's `sec_status` and Knot
 * Resolver's ranks do): data proven by a signature outranks unproven data, and answer-section data outranks
 * authority-section data. RFC 2181 §5.4.1: "Unauthenticated RRs received and cached from the least trustworthy
 * of those groupings ... should not be cached in such a way that they would ever be returned as answers" when
 * better data is held: a better-ranked entry that has not expired is never replaced by a worse one.
 */
import type { Status } from '../resolver/dnssec/verdict.js';

export const RANK = {
  /** Authority section (SOA, NSEC/NSEC3) of an answer from a zone proven unsigned. */
  INSECURE_AUTHORITY: 1,
  /** Answer section of an answer from a zone proven unsigned (authoritative data, RFC 2181 §5.4.1). */
  INSECURE_ANSWER: 2,
  /** Authority section whose signatures verified. */
  SECURE_AUTHORITY: 3,
  /** Answer section whose signatures verified. */
  SECURE_ANSWER: 4,
} as const;

export type Rank = (typeof RANK)[keyof typeof RANK];

/** The rank of an RRset from a resolution with verdict `status`, found in the answer or authority section. */
export function rankOf(status: Status, section: 'answer' | 'authority'): Rank | undefined {
  if (status === 'secure') return section === 'answer' ? RANK.SECURE_ANSWER : RANK.SECURE_AUTHORITY;
  if (status === 'insecure') return section === 'answer' ? RANK.INSECURE_ANSWER : RANK.INSECURE_AUTHORITY;
  return undefined; // bogus and indeterminate data is never cached as data (RFC 4035 §4.7: bad cache instead)
}

/** RFC 2181 §5.4.1: an entry may be replaced when it has expired or the newcomer ranks at least as high. */
export function mayReplace(held: { rank: Rank; expiresAt: number } | undefined, incoming: Rank, nowMs: number): boolean {
  if (!held || held.expiresAt <= nowMs) return true;
  return incoming >= held.rank;
}
