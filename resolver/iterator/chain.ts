/**
 * Following a CNAME/DNAME chain inside one response's answer section (RFC 1034 §4.3.2 step 3a, RFC 6672 §3.2).
 * Only links inside `zone` (the zone of the server asked) are followed: a server is authoritative for its own
 * zone only, so a target outside it must be asked elsewhere.
 */
import type { Name } from '../wire/name.js';
import { T, type RR } from '../wire/types.js';
import { rdataName, signerOf, substituteSuffix } from './records.js';

export interface ChainLink {
  /** The name this link starts from. */
  from: Name;
  /** CNAME or DNAME record that made the step. */
  via: RR;
  to: Name;
}

export interface FollowedChain {
  links: ChainLink[];
  /** The name at the end of the chain (qname when there is no link). */
  final: Name;
  /** True when the chain stops because the next target is outside `zone`. */
  leftZone: boolean;
  /** A DNAME substitution produced an over-long name (RFC 6672 §2.2 YXDOMAIN). */
  overflow: boolean;
  /** A CNAME beside a DNAME names another target than the substitution (RFC 6672 §3.2): a forged reply. */
  dnameConflict?: boolean;
}

/**
 * Follows CNAMEs at the current name and DNAMEs at its ancestors, stopping at loops, the zone edge or `maxLinks`.
 * `cuts` are child zones below `zone` the reply revealed (see childCuts): a target inside one of them belongs to
 * that child, whose keys and servers are found by resolving the target on its own (RFC 4035 §5.3.1: the signer
 * of an RRset is the zone that holds it).
 */
export function followChain(answer: readonly RR[], qname: Name, qtype: number, zone: Name, maxLinks: number, cuts: readonly Name[] = []): FollowedChain {
  const links: ChainLink[] = [];
  const seen = new Set<string>([qname.key]);
  let cur = qname;
  while (links.length < maxLinks) {
    const step = nextLink(answer, cur, qtype, zone);
    if (!step) break;
    if (step.to === undefined) return { links, final: cur, leftZone: false, overflow: true };
    links.push({ from: cur, via: step.via, to: step.to });
    const to = step.to;
    if (step.via.type === T.DNAME && answer.some((rr) => rr.type === T.CNAME && rr.name.equals(cur) && !rdataName(rr).equals(to))) {
      return { links, final: to, leftZone: false, overflow: false, dnameConflict: true };
    }
    cur = to;
    // A CNAME question under a DNAME is answered by the synthesised CNAME itself (RFC 6672 §3.2): one link only.
    if (qtype === T.CNAME) return { links, final: cur, leftZone: false, overflow: false };
    if (!cur.isSubdomainOf(zone) || cuts.some((c) => cur.isSubdomainOf(c))) return { links, final: cur, leftZone: true, overflow: false };
    if (seen.has(cur.key)) break; // a loop: stop here, the caller's chain limit reports it
    seen.add(cur.key);
  }
  return { links, final: cur, leftZone: false, overflow: false };
}

function nextLink(answer: readonly RR[], cur: Name, qtype: number, zone: Name): { via: RR; to: Name | undefined } | undefined {
  // RFC 6672 §3.2: the DNAME is the authority for a synthesized CNAME, so it is followed first (the unsigned
  // CNAME beside it is only kept when it agrees, see scrub.ts). It redirects names strictly below its owner.
  const dname = answer.find((rr) => rr.type === T.DNAME && cur.isStrictSubdomainOf(rr.name) && rr.name.isSubdomainOf(zone));
  if (dname) return { via: dname, to: substituteSuffix(cur, dname.name, rdataName(dname)) };
  if (qtype !== T.CNAME) {
    const cname = answer.find((rr) => rr.type === T.CNAME && rr.name.equals(cur));
    if (cname) return { via: cname, to: rdataName(cname) };
  }
  return undefined;
}

/**
 * Zones strictly below `zone` that a reply shows to be cut off from it, except those enclosing `qname` (a cut
 * above the question is handled as a hidden cut, see referral.ts): owners of NS sets in the authority section and
 * signers of RRSIGs in the answer.
 */
export function childCuts(answer: readonly RR[], authority: readonly RR[], zone: Name, qname: Name): Name[] {
  const out: Name[] = [];
  const add = (name: Name): void => {
    if (name.isStrictSubdomainOf(zone) && !qname.isSubdomainOf(name) && !out.some((n) => n.equals(name))) out.push(name);
  };
  for (const rr of authority) if (rr.type === T.NS) add(rr.name);
  for (const rr of answer) {
    if (rr.type !== T.RRSIG) continue;
    const signer = signerOf([rr]);
    if (signer) add(signer);
  }
  return out;
}

