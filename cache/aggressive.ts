/**
 * Aggressive use of the DNSSEC-validated cache (RFC 8198): NXDOMAIN and NODATA synthesised from cached secure
 * NSEC and NSEC3 records, with the proof code of resolver/dnssec/ (nsec.ts, nsec3.ts), without asking upstream.
 *
 * - RFC 8198 §5.1: only records whose validation status is secure are used (the index holds only those).
 * - RFC 8198 §5.4: the TTL of the synthesised answer is the smallest of the NSEC TTLs left, the SOA TTL left
 *   and the SOA MINIMUM; without a cached secure SOA of the zone nothing is synthesised.
 * - RFC 8198 §4 allows NSEC3; we use it only with 0 extra iterations (RFC 9276 §3.1), so a synthesis costs a
 *   few plain SHA-1 hashes however the zone was signed (CVE-2023-50868), each counted by a WorkBudget; a proof
 *   resting on an opt-out span is insecure, never synthesised (RFC 8198 §4.2: opt-out denies nothing).
 */
import type { ResolveResult } from '../resolver/api.js';
import type { Name } from '../resolver/wire/name.js';
import { CLASS_IN, RCODE, T } from '../resolver/wire/types.js';
import type { RR } from '../resolver/wire/types.js';
import { proveNodataNsec, proveNxdomainNsec, toNsecRecord } from '../resolver/dnssec/nsec.js';
import { Nsec3Hasher, proveNodataNsec3, proveNxdomainNsec3, toNsec3Record, type Nsec3Record } from '../resolver/dnssec/nsec3.js';
import { NSEC3_HASH_SHA1 } from '../resolver/dnssec/nsec3-hash.js';
import { NSEC3_OPT_OUT } from '../resolver/wire/dnssec-rdata.js';
import { WorkBudget } from '../resolver/dnssec/budget.js';
import { secure, type Verdict } from '../resolver/dnssec/verdict.js';
import { flatten, type RrsetGroup } from '../resolver/dnssec/rrsets.js';
import { toHex } from '../resolver/wire/encoding.js';
import { rrsetKey, type RrsetEntry } from './entries.js';
import { negativeTtl, remainingTtl, withTtl } from './ttl.js';
import type { CacheStore } from './store.js';

/** RFC 9276 §3.1: NSEC3 records are used for synthesis only with this many extra hash iterations. */
export const MAX_SYNTHESIS_NSEC3_ITERATIONS = 0;

interface Proof {
  rcode: number;
  verdict: Verdict;
  used: RrsetGroup[];
}

/** A synthesised NXDOMAIN or NODATA for the question, or undefined when the cached records do not prove one. */
export function synthesise(store: CacheStore, qname: Name, qtype: number, now: number): ResolveResult | undefined {
  // DS lives on the parent side of a cut (RFC 4035 §5.2): search from the parent for it.
  const from = qtype === T.DS && !qname.isRoot ? qname.parent() : qname;
  const zone = store.nsecs.closestZone(from);
  if (!zone) return undefined;
  const soa = store.rrset(rrsetKey(zone.zone, T.SOA, CLASS_IN), now);
  if (!soa || soa.verdict.status !== 'secure' || soa.rrs.length !== 1) return undefined;
  const held = new Map<RrsetGroup, RrsetEntry>();
  for (const key of zone.keys.values()) {
    const e = store.rrset(key, now);
    if (e && e.verdict.status === 'secure') held.set({ name: e.name, type: e.type, class: e.class, rrs: e.rrs, sigs: e.sigs }, e);
  }
  const proof = nsecProof([...held.keys()], qname, qtype, zone.zone) ?? nsec3Proof([...held.keys()], qname, qtype, zone.zone);
  if (!proof) return undefined;
  let ttl = Math.min(remainingTtl(soa.expiresAt, now), negativeTtl(soa.rrs[0], Infinity) ?? 0);
  const used: RR[] = [];
  for (const group of proof.used) {
    ttl = Math.min(ttl, remainingTtl(held.get(group)!.expiresAt, now));
    used.push(...flatten(group));
  }
  if (ttl <= 0) return undefined;
  const authority = [...withTtl(soa.rrs, ttl), ...withTtl(soa.sigs, ttl), ...withTtl(used, ttl)];
  return { qname, qtype, rcode: proof.rcode, answer: [], authority, verdict: proof.verdict };
}

function nsecProof(groups: RrsetGroup[], qname: Name, qtype: number, zone: Name): Proof | undefined {
  const nsecs = groups.filter((g) => g.type === T.NSEC).flatMap((g) => toNsecRecord(g, zone) ?? []);
  if (nsecs.length === 0) return undefined;
  const nx = proveNxdomainNsec(nsecs, qname, zone);
  if (nx.verdict.status === 'secure') return synthesised(RCODE.NXDOMAIN, nx.verdict, nx.used);
  const nodata = proveNodataNsec(nsecs, qname, qtype, zone);
  if (nodata.verdict.status === 'secure') return synthesised(RCODE.NOERROR, nodata.verdict, nodata.used);
  return undefined;
}

function nsec3Proof(groups: RrsetGroup[], qname: Name, qtype: number, zone: Name): Proof | undefined {
  const bySalt = new Map<string, Nsec3Record[]>();
  for (const g of groups) {
    if (g.type !== T.NSEC3) continue;
    const rec = toNsec3Record(g, zone);
    // RFC 5155 §8.1-8.2: known hash, no unknown flags; RFC 9276 §3.1: no extra iterations for synthesis.
    if (!rec || rec.rdata.hashAlgorithm !== NSEC3_HASH_SHA1 || (rec.rdata.flags & ~NSEC3_OPT_OUT) !== 0) continue;
    if (rec.rdata.iterations > MAX_SYNTHESIS_NSEC3_ITERATIONS) continue;
    const salt = toHex(rec.rdata.salt);
    const list = bySalt.get(salt);
    if (list) list.push(rec); else bySalt.set(salt, [rec]);
  }
  for (const records of bySalt.values()) {
    // One budget per synthesis: the same NSEC3 hash cap as a validation (CVE-2023-50868).
    const hasher = new Nsec3Hasher(records[0]!.rdata.salt, MAX_SYNTHESIS_NSEC3_ITERATIONS, new WorkBudget());
    const nx = proveNxdomainNsec3(records, hasher, qname, zone);
    if (nx.verdict.status === 'secure') return synthesised(RCODE.NXDOMAIN, nx.verdict, nx.used);
    const nodata = proveNodataNsec3(records, hasher, qname, qtype, zone);
    if (nodata.verdict.status === 'secure') return synthesised(RCODE.NOERROR, nodata.verdict, nodata.used);
  }
  return undefined;
}

function synthesised(rcode: number, proof: Verdict, used: RrsetGroup[]): Proof {
  return { rcode, verdict: secure(`synthesised from the cache (RFC 8198): ${proof.reason}`, 'AC01'), used };
}
