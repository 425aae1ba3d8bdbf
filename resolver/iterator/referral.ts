/**
 * Reading a referral (RFC 1034 §4.3.2 step 3b): the child zone, its NS names, the in-bailiwick glue that came
 * with them, and the DS set or denial proof the parent gave (RFC 4035 §3.1.4) for the chain of trust.
 */
import type { Name } from '../wire/name.js';
import { T, type Message, type RR } from '../wire/types.js';
import { addressOf, rdataName } from './records.js';
import { decodeRrsig } from '../wire/dnssec-rdata.js';

export interface NameServer {
  name: Name;
  /** Addresses from glue (empty for a glueless name, resolved later). */
  addresses: string[];
  /** Port of these addresses when not 53 (only hints can say so). */
  port?: number;
}

export interface Referral {
  child: Name;
  servers: NameServer[];
  /** The parent's authority records about the cut (DS, NSEC/NSEC3, their RRSIGs) for validateDelegation. */
  authority: RR[];
  /** Seconds the referral holds: the lowest TTL of its NS, glue and DS/denial records (RFC 2181 §5.2). */
  ttl?: number;
}

/** Builds the referral to `child` from a scrubbed response (glue already limited to in-bailiwick names). */
export function readReferral(msg: Message, child: Name): Referral {
  const servers: NameServer[] = [];
  for (const rr of msg.authority) {
    if (rr.type !== T.NS || !rr.name.equals(child)) continue;
    const name = rdataName(rr);
    if (servers.some((s) => s.name.equals(name))) continue;
    servers.push({ name, addresses: glueFor(msg.additional, name) });
  }
  const authority = msg.authority.filter((rr) => rr.type !== T.NS);
  const used = [...msg.authority.filter((rr) => rr.name.equals(child) || rr.type !== T.NS), ...msg.additional.filter((rr) => servers.some((s) => s.name.equals(rr.name)))];
  return { child, servers, authority, ttl: Math.min(...used.map((rr) => rr.ttl)) };
}

function glueFor(additional: readonly RR[], name: Name): string[] {
  const out: string[] = [];
  for (const rr of additional) {
    if (!rr.name.equals(name)) continue;
    const a = addressOf(rr);
    if (a !== undefined && !out.includes(a)) out.push(a);
  }
  return out;
}

export type ReferralProblem = 'no-servers' | 'not-below' | 'loop';

/**
 * Checks a referral can be followed: it names servers, the child is strictly below the zone asked (an upward
 * or sideways referral is lame, RFC 1034 §4.3.2), and the child was not visited already in this lookup.
 */
export function checkReferral(ref: Referral, zone: Name, visited: ReadonlySet<string>): ReferralProblem | undefined {
  if (ref.servers.length === 0) return 'no-servers';
  if (!ref.child.isStrictSubdomainOf(zone)) return 'not-below';
  if (visited.has(ref.child.key)) return 'loop';
  return undefined;
}

/**
 * Glue a server cannot use to reach its own zone: an NS name inside `child` with no glue can never be resolved
 * (the lookup would need the very zone it is trying to reach).
 */
export function isUnreachableGlueless(ns: NameServer, child: Name): boolean {
  return ns.addresses.length === 0 && ns.name.isSubdomainOf(child);
}

/**
 * A zone cut the server skipped: one server carries both the zone asked and a child of it, and answered from
 * the child (an SOA owner, RRSIG signer or answer NS owner strictly below `zone` that encloses `qname`). The answer can only be
 * validated with the child's keys, so the driver descends first (asking the parent side for the DS,
 * RFC 4035 §3.1.4.1), as if it had been referred.
 */
export function hiddenCut(msg: Message, zone: Name, qname: Name): Name | undefined {
  let best: Name | undefined;
  const consider = (name: Name): void => {
    if (name.isStrictSubdomainOf(zone) && qname.isSubdomainOf(name) && (!best || name.labelCount > best.labelCount)) best = name;
  };
  for (const rr of msg.authority) if (rr.type === T.SOA) consider(rr.name);
  // RFC 1034 §4.2.1: an NS set below the apex marks a cut, even in the answer section of a server carrying both
  // sides (an unsigned child shows no signer to find it by).
  for (const rr of msg.answer) if (rr.type === T.NS) consider(rr.name);
  for (const rr of [...msg.answer, ...msg.authority]) {
    if (rr.type !== T.RRSIG) continue;
    try {
      consider(decodeRrsig(rr.rdata).signerName);
    } catch {
      // a malformed RRSIG is the validator's to report
    }
  }
  return best;
}
