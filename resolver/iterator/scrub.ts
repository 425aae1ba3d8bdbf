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
import { followChain, type FollowedChain } from './chain.js';
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
}

const AUTHORITY_TYPES = new Set<number>([T.SOA, T.NS, T.DS, T.NSEC, T.NSEC3]);

/** Scrubs `msg`, the reply of a server asked about `qname`/`qtype` as an authority for `zone`. */
export function scrubResponse(msg: Message, qname: Name, qtype: number, zone: Name, maxLinks: number): Scrubbed {
  const chain = followChain(msg.answer.filter((rr) => rr.name.isSubdomainOf(zone)), qname, qtype, zone, maxLinks);
  const answer = scrubAnswer(msg.answer, chain, qname, qtype, zone);
  const authority = msg.authority.filter((rr) => keepInAuthority(rr, chain.final, zone));
  const additional = scrubGlue(msg.additional, authority, zone);
  const dropped = msg.answer.length - answer.length + msg.authority.length - authority.length + msg.additional.length - additional.length;
  return { message: { ...msg, answer, authority, additional }, chain, dropped };
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
  if (!final.isSubdomainOf(zone) || chain.overflow) return out;
  for (const rr of answer) {
    if (!rr.name.equals(final)) continue;
    const type = rr.type === T.RRSIG ? coveredType(rr) : rr.type;
    if (type === qtype || qtype === T.ANY || (final.equals(qname) && qtype === T.CNAME && type === T.CNAME)) add(rr);
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

/** In-bailiwick glue only: A/AAAA for a name an NS record in the scrubbed authority points at, inside `zone`. */
function scrubGlue(additional: readonly RR[], authority: readonly RR[], zone: Name): RR[] {
  const targets = new Set(authority.filter((rr) => rr.type === T.NS).map((rr) => rdataName(rr).key));
  return additional.filter((rr) => (rr.type === T.A || rr.type === T.AAAA) && targets.has(rr.name.key) && rr.name.isSubdomainOf(zone));
}
