/**
 * What kind of reply a scrubbed response is (Unbound iter_resptype.c), for a server asked as an authority for
 * `zone`. The driver acts on the kind: an answer ends the step, a CNAME/DNAME restarts at the target, a
 * referral descends, lame or error moves on to another server.
 */
import type { Name } from '../wire/name.js';
import { RCODE, T, type Message } from '../wire/types.js';
import type { FollowedChain } from './chain.js';
import { coveredType } from './records.js';

export type ResponseKind = 'answer' | 'cname' | 'dname' | 'referral' | 'nodata' | 'nxdomain' | 'lame' | 'error';

export interface Classified {
  kind: ResponseKind;
  /** For cname/dname: the name to resolve next. For referral: the child zone. */
  next?: Name;
  /** Why a response is lame or an error, for logs and reasons. */
  reason?: string;
}

/** Classifies a response already passed through scrubResponse (which also computed `chain`). */
export function classifyResponse(msg: Message, chain: FollowedChain, qtype: number, zone: Name): Classified {
  if (msg.rcode !== RCODE.NOERROR && msg.rcode !== RCODE.NXDOMAIN) return { kind: 'error', reason: `rcode ${msg.rcode}` };
  if (chain.overflow) return { kind: 'error', reason: 'DNAME substitution exceeds 255 octets (RFC 6672 §2.2)' };
  // RFC 1034 §4.3.1: an authoritative server sets AA for data from its zone; data without it is not an answer.
  if (!msg.flags.aa) return classifyNonAuthoritative(msg, chain, zone);
  const final = chain.final;
  const hasData = msg.answer.some((rr) => rr.name.equals(final) && (rr.type === qtype || qtype === T.ANY || (rr.type === T.RRSIG && coveredType(rr) === qtype)));
  if (hasData && !chain.leftZone) return { kind: 'answer' };
  if (chain.leftZone) {
    const last = chain.links[chain.links.length - 1]!;
    return { kind: last.via.type === T.DNAME ? 'dname' : 'cname', next: final };
  }
  if (msg.rcode === RCODE.NXDOMAIN) return { kind: 'nxdomain' };
  const hasSoa = msg.authority.some((rr) => rr.type === T.SOA);
  if (chain.links.length > 0 && !hasSoa) {
    // A chain inside the zone whose end has no data and no negative proof (e.g. the target is below a cut):
    // the target is resolved on its own.
    const last = chain.links[chain.links.length - 1]!;
    return { kind: last.via.type === T.DNAME ? 'dname' : 'cname', next: final };
  }
  const cut = referralCut(msg, final, zone);
  if (cut && !hasSoa) return { kind: 'referral', next: cut };
  return { kind: 'nodata' };
}

/** Without AA only a referral to a zone below `zone` is meaningful; anything else is lame (RFC 1034 §4.3.1). */
function classifyNonAuthoritative(msg: Message, chain: FollowedChain, zone: Name): Classified {
  if (msg.rcode === RCODE.NOERROR && msg.answer.length === 0) {
    const cut = referralCut(msg, chain.final, zone);
    if (cut) return { kind: 'referral', next: cut };
    if (msg.authority.some((rr) => rr.type === T.NS)) return { kind: 'lame', reason: `referral upwards or sideways from ${zone}` };
  }
  return { kind: 'lame', reason: `non-authoritative reply for a name in ${zone}` };
}

/** The delegated zone when the authority section holds an NS set strictly below `zone` covering `name`. */
function referralCut(msg: Message, name: Name, zone: Name): Name | undefined {
  let best: Name | undefined;
  for (const rr of msg.authority) {
    if (rr.type !== T.NS || !rr.name.isStrictSubdomainOf(zone) || !name.isSubdomainOf(rr.name)) continue;
    if (!best || rr.name.labelCount > best.labelCount) best = rr.name;
  }
  return best;
}
