/**
 * Scrubbing a response before anything reads it (Unbound iter_scrub.c): only records the asked server is
 * authoritative for, and only those that bear on the question, survive.
 *
 * RFC 2181 §5.4.1: data ranks by where it came from (authoritative answer > authority section > glue >
 * non-authoritative answer); §6.1 (bailiwick): a server is believed only about names inside the zone it was
 * asked as an authority for. Out-of-zone records, unsolicited glue and records unrelated to the question are
 * dropped, never used (RFC 5452 §6, cache poisoning by additional data).
 */
import type { Name } from '../wire/name.js';
import { T, type Message, type RR } from '../wire/types.js';
import { childCuts, followChain, type FollowedChain } from './chain.js';
import { coveredType, rdataName } from './records.js';

/** RFC 2181 §5.4.1 trust ranking, highest first. */
export type TrustRank = 'answer-aa' | 'authority-aa' | 'answer' | 'authority' | 'glue';

export function trustOf(section: 'answer' | 'authority' | 'additional', aa: boolean): TrustRank {
  if (section === 'additional') return 'glue';
  if (section === 'answer') return aa ? 'answer-aa' : 'answer';
  return aa ? 'authority-aa' : 'authority';
}

/** Ranks from best to worst, for combining the ranks of a CNAME chain's links. */
const RANK_ORDER: readonly TrustRank[] = ['answer-aa', 'authority-aa', 'answer', 'authority', 'glue'];

/** The weaker of two ranks: a result is only as trustworthy as its weakest part. */
export function weakerRank(a: TrustRank, b: TrustRank): TrustRank {
  return RANK_ORDER.indexOf(a) >= RANK_ORDER.indexOf(b) ? a : b;
}

export interface Scrubbed {
  message: Message;
  chain: FollowedChain;
  /** Number of records removed, for logs. */
  dropped: number;
  /** The reply carried an NS set outside the zone (upward or sideways), dropped here: see classify. */
  nsOutside: boolean;
}

const AUTHORITY_TYPES = new Set<number>([T.SOA, T.NS, T.DS, T.NSEC, T.NSEC3]);

export interface ScrubOptions {
  /** Keep only glue inside `zone` (default true); false also keeps glue for NS names outside it (harden-glue: no). */
  hardenGlue?: boolean;
}

/** Scrubs `msg`, the reply of a server asked about `qname`/`qtype` as an authority for `zone`. */
export function scrubResponse(msg: Message, qname: Name, qtype: number, zone: Name, maxLinks: number, opts: ScrubOptions = {}): Scrubbed {
  const cuts = childCuts(msg.answer, msg.authority, zone, qname);
  const chain = followChain(msg.answer.filter((rr) => rr.name.isSubdomainOf(zone)), qname, qtype, zone, maxLinks, cuts);
  const answer = scrubAnswer(msg.answer, chain, qname, qtype, zone);
  const authority = msg.authority.filter((rr) => keepInAuthority(rr, chain.final, zone));
  const additional = scrubGlue(msg.additional, authority, zone, opts.hardenGlue ?? true);
  const dropped = msg.answer.length - answer.length + msg.authority.length - authority.length + msg.additional.length - additional.length;
  const nsOutside = msg.authority.some((rr) => rr.type === T.NS && !rr.name.isSubdomainOf(zone));
  return { message: { ...msg, answer, authority, additional }, chain, dropped, nsOutside };
}

/** Answer records in chain order: each link's CNAME/DNAME with its RRSIGs, then the data at the final name. */
function scrubAnswer(answer: readonly RR[], chain: FollowedChain, qname: Name, qtype: number, zone: Name): RR[] {
  const out: RR[] = [];
  const add = (rr: RR): void => { if (!out.includes(rr)) out.push(rr); };
  for (const link of chain.links) {
    const viaType = link.via.type;
    for (const rr of answer) {
      if (rr.name.equals(link.via.name) && (rr.type === viaType || (rr.type === T.RRSIG && coveredType(rr) === viaType))) add(rr);
    }
    if (viaType === T.DNAME) {
      // RFC 6672 §3.2: a synthesized CNAME is kept only when it says what the DNAME says.
      for (const rr of answer) if (rr.type === T.CNAME && rr.name.equals(link.from) && rdataName(rr).equals(link.to)) add(rr);
    }
  }
  const final = chain.final;
  // A target outside the zone, or inside a child zone the reply revealed, is resolved on its own (chain.ts): this
  // server's records for it would be validated against the wrong zone's keys.
  if (chain.leftZone || !final.isSubdomainOf(zone) || chain.overflow) return out;
  for (const rr of answer) {
    if (!rr.name.equals(final)) continue;
    const type = rr.type === T.RRSIG ? coveredType(rr) : rr.type;
    // A question for RRSIG itself is answered by RRSIGs of any covered type (never validated, see response.ts).
    if (type === qtype || qtype === T.ANY || (qtype === T.RRSIG && rr.type === T.RRSIG) || (final.equals(qname) && qtype === T.CNAME && type === T.CNAME)) add(rr);
  }
  return out;
}

function keepInAuthority(rr: RR, final: Name, zone: Name): boolean {
  if (!rr.name.isSubdomainOf(zone)) return false;
  const type = rr.type === T.RRSIG ? coveredType(rr) : rr.type;
  if (!AUTHORITY_TYPES.has(type)) return false;
  // An NS or DS set only matters when it is a cut on the way to the name asked about (a referral).
  if (type === T.NS || type === T.DS) return final.isSubdomainOf(rr.name);
  return true;
}

/**
 * Glue: A/AAAA for a name an NS record in the scrubbed authority points at, inside `zone` (RFC 2181 §6.1 bailiwick).
 * Without hardening (Unbound's harden-glue: no, an operator's choice), glue for an NS name outside `zone` is kept
 * too: it only ever serves as the address of that delegation's servers, and what they answer is still validated.
 */
function scrubGlue(additional: readonly RR[], authority: readonly RR[], zone: Name, harden: boolean): RR[] {
  const targets = new Set(authority.filter((rr) => rr.type === T.NS).map((rr) => rdataName(rr).key));
  return additional.filter((rr) => (rr.type === T.A || rr.type === T.AAAA) && targets.has(rr.name.key) && (!harden || rr.name.isSubdomainOf(zone)));
}
