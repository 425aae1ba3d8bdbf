/**
 * Which zone signed a forwarded reply: the Signer's Name of the RRSIGs that cover the records about `qname`
 * (RFC 4034 §3.1.7). It is only a hint for where the chain of trust must reach — the walk from the trust anchor
 * and the signature checks decide; a wrong hint can only make the answer bogus, never secure. Pure.
 */
import type { Name } from '../wire/name.js';
import { T, type Message, type RR } from '../wire/types.js';
import { coveredType, signerOf } from '../iterator/records.js';

/** Denial and SOA records sit in the authority section of negative answers. */
const NEGATIVE_TYPES = new Set<number>([T.SOA, T.NSEC, T.NSEC3]);

/**
 * The zone to walk to for `qname`/`qtype`: the signer of the answer's first link (a CNAME, DNAME or the data at
 * `qname`) or of a negative answer's SOA/NSEC/NSEC3, when that signer encloses `qname`; otherwise the zone that
 * would hold the answer if it were unsigned (the parent for DS, RFC 4035 §3.1.4.1), so a stripped RRSIG is
 * found out by walking all the way down.
 */
export function chainTarget(msg: Message, qname: Name, qtype: number): Name {
  const home = qtype === T.DS && !qname.isRoot ? qname.parent() : qname;
  const signer = signerOf(msg.answer.filter((rr) => aboutQname(rr, qname)))
    ?? signerOf(msg.authority.filter((rr) => rr.type === T.RRSIG && NEGATIVE_TYPES.has(coveredType(rr))));
  return signer !== undefined && home.isSubdomainOf(signer) ? signer : home;
}

/** RRSIGs over records at qname, or over a DNAME at one of its ancestors. */
function aboutQname(rr: RR, qname: Name): boolean {
  if (rr.type !== T.RRSIG) return false;
  return rr.name.equals(qname) || (coveredType(rr) === T.DNAME && qname.isStrictSubdomainOf(rr.name));
}

