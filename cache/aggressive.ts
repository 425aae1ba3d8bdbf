/**
 * Aggressive use of the DNSSEC-validated cache (RFC 8198): NXDOMAIN and NODATA synthesised from cached secure
 * NSEC records, with the proof code of resolver/dnssec/nsec.ts, without asking upstream.
 *
 * - RFC 8198 §5.1: only records whose validation status is secure are used (the index holds only those).
 * - RFC 8198 §5.4: the TTL of the synthesised answer is the smallest of the NSEC TTLs left, the SOA TTL left
 *   and the SOA MINIMUM; without a cached secure SOA of the zone nothing is synthesised.
 * - NSEC3 (RFC 8198 §4) is not used: each synthesis would hash the question name with the zone's parameters
 *   (work an attacker picks, CVE-2023-50868) and opt-out spans cannot deny anything (RFC 8198 §4.2); the NSEC3
 *   answers are still cached per question like any negative answer.
 */
import type { ResolveResult } from '../resolver/api.js';
import type { Name } from '../resolver/wire/name.js';
import { CLASS_IN, RCODE, T } from '../resolver/wire/types.js';
import type { RR } from '../resolver/wire/types.js';
import { proveNodataNsec, proveNxdomainNsec, toNsecRecord } from '../resolver/dnssec/nsec.js';
import type { NsecRecord } from '../resolver/dnssec/nsec.js';
import { secure } from '../resolver/dnssec/verdict.js';
import { flatten } from '../resolver/dnssec/rrsets.js';
import { rrsetKey, type RrsetEntry } from './entries.js';
import { negativeTtl, remainingTtl, withTtl } from './ttl.js';
import type { CacheStore } from './store.js';

/** A synthesised NXDOMAIN or NODATA for the question, or undefined when the cached NSECs do not prove one. */
export function synthesise(store: CacheStore, qname: Name, qtype: number, now: number): ResolveResult | undefined {
  // DS lives on the parent side of a cut (RFC 4035 §5.2): search from the parent for it.
  const from = qtype === T.DS && !qname.isRoot ? qname.parent() : qname;
  const zone = store.nsecs.closestZone(from);
  if (!zone) return undefined;
  const soa = store.rrset(rrsetKey(zone.zone, T.SOA, CLASS_IN), now);
  if (!soa || soa.verdict.status !== 'secure' || soa.rrs.length !== 1) return undefined;
  const held = new Map<NsecRecord, RrsetEntry>();
  for (const key of zone.keys.values()) {
    const e = store.rrset(key, now);
    if (!e || e.verdict.status !== 'secure') continue;
    const rec = toNsecRecord({ name: e.name, type: e.type, class: e.class, rrs: e.rrs, sigs: e.sigs }, zone.zone);
    if (rec) held.set(rec, e);
  }
  const nsecs = [...held.keys()];
  let rcode: number = RCODE.NXDOMAIN;
  let proof = proveNxdomainNsec(nsecs, qname, zone.zone);
  if (proof.verdict.status !== 'secure') {
    rcode = RCODE.NOERROR;
    proof = proveNodataNsec(nsecs, qname, qtype, zone.zone);
  }
  if (proof.verdict.status !== 'secure') return undefined;
  let ttl = Math.min(remainingTtl(soa.expiresAt, now), negativeTtl(soa.rrs[0], Infinity) ?? 0);
  const used: RR[] = [];
  for (const group of proof.used) {
    const rec = nsecs.find((n) => n.group === group)!;
    ttl = Math.min(ttl, remainingTtl(held.get(rec)!.expiresAt, now));
    used.push(...flatten(group));
  }
  if (ttl <= 0) return undefined;
  const authority = [...withTtl(soa.rrs, ttl), ...withTtl(soa.sigs, ttl), ...withTtl(used, ttl)];
  const verdict = secure(`synthesised from cached NSEC (RFC 8198): ${proof.verdict.reason}`, 'AC01');
  return { qname, qtype, rcode, answer: [], authority, verdict };
}
