/**
 * What kind of reply a scrubbed response is (Unbound iter_resptype.c), for a server asked as an authority for
 * `zone`. The driver acts on the kind: an answer ends the step, a CNAME/DNAME restarts at the target, a
 * referral descends, lame or error moves on to another server.
 */
import type { Name } from '../wire/name.js';
import { RCODE, T, type Message } from '../wire/types.js';
import type { FollowedChain } from './chain.js';
import { coveredType } from './records.js';
import type { TrustRank } from './scrub.js';

export type ResponseKind = 'answer' | 'cname' | 'dname' | 'referral' | 'nodata' | 'nxdomain' | 'lame' | 'error';

export interface Classified {
  kind: ResponseKind;
  /** For cname/dname: the name to resolve next. For referral: the child zone. */
  next?: Name;
  /** Why a response is lame or an error, for logs and reasons. */
  reason?: string;
  /**
   * RFC 2181 §5.4.1 rank of the data that made the kind: 'answer-aa' with AA, 'answer' without (an answer to the
   * question asked from a server of the zone, believed at the lower rank and validated all the same).
   */
  rank?: TrustRank;
}

/**
 * Classifies a response already passed through scrubResponse (which also computed `chain`). `nsOutside` tells
 * whether the reply, before scrubbing, carried an NS set outside `zone` (upward or sideways), which scrubbing
 * removed: in place of an answer that is the mark of a lame server (Unbound iter_resptype.c).
 */
export function classifyResponse(msg: Message, chain: FollowedChain, qtype: number, zone: Name, nsOutside = false, minimised = false): Classified {
  if (msg.rcode !== RCODE.NOERROR && msg.rcode !== RCODE.NXDOMAIN) return { kind: 'error', reason: `rcode ${msg.rcode}` };
  if (chain.overflow) return { kind: 'error', reason: 'DNAME substitution exceeds 255 octets (RFC 6672 §2.2)' };
  if (chain.dnameConflict) return { kind: 'error', reason: 'a CNAME contradicts the DNAME it should be synthesised from (RFC 6672 §3.2)' };
  const rank: TrustRank = msg.flags.aa ? 'answer-aa' : 'answer';
  const final = chain.final;
  const hasSoa = msg.authority.some((rr) => rr.type === T.SOA);
  const cut = hasSoa ? undefined : referralCut(msg, final, zone);
  const hasData = msg.answer.some((rr) => rr.name.equals(final) && (rr.type === qtype || qtype === T.ANY || (rr.type === T.RRSIG && coveredType(rr) === qtype)));
  // RFC 6672 §3.2: for a CNAME question under a DNAME, the DNAME and the CNAME synthesised from it are the answer.
  const dnameForCname = qtype === T.CNAME && chain.links.length === 1 && chain.links[0]!.via.type === T.DNAME;
  if ((hasData || dnameForCname) && !chain.leftZone) {
    // Without AA an answer is only provisional: a delegation beside it wins (the server answered from below a cut
    // it does not serve, Unbound iter_resptype.c).
    if (!msg.flags.aa && cut) return { kind: 'referral', next: cut };
    return { kind: 'answer', rank };
  }
  if (chain.leftZone) return { kind: linkKind(chain), next: final, rank };
  // An NXDOMAIN or an empty NOERROR, with or without AA, answers the question (Unbound iter_resptype.c); in a
  // signed zone it is a claim the validator proves or rejects (RFC 4035 §5.4).
  if (msg.rcode === RCODE.NXDOMAIN) return { kind: 'nxdomain', rank };
  if (chain.links.length > 0 && !hasSoa) {
    // A chain inside the zone whose end has no data and no negative proof (e.g. the target is below a cut):
    // the target is resolved on its own.
    return { kind: linkKind(chain), next: final, rank };
  }
  if (cut) return { kind: 'referral', next: cut };
  // A minimised probe (RFC 9156) answered that way only says the name holds no cut as far as this server knows:
  // the probe advances, and nothing from it reaches an answer (Knot Resolver reads it as NODATA too).
  const ownNsWithoutAa = !msg.flags.aa && !minimised && msg.authority.some((rr) => rr.type === T.NS && rr.name.equals(zone));
  if (!hasSoa && (nsOutside || ownNsWithoutAa)) {
    // RFC 1034 §4.3.1 / RFC 2181 §5.4.1: no answer, no SOA, and an NS set upward or sideways (with or without AA),
    // or of the zone itself without AA: a referral to where we already are, from a server that does not serve the
    // zone (Unbound iter_resptype.c).
    return { kind: 'lame', reason: `referral upwards or sideways from ${zone}` };
  }
  return { kind: 'nodata', rank };
}

function linkKind(chain: FollowedChain): 'cname' | 'dname' {
  return chain.links[chain.links.length - 1]!.via.type === T.DNAME ? 'dname' : 'cname';
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
