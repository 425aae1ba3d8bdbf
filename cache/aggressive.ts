/**
 * Aggressive use of the DNSSEC-validated cache (RFC 8198): NXDOMAIN and NODATA synthesised from cached secure
 * NSEC and NSEC3 records, with the proof code of resolver/dnssec/ (nsec.ts, nsec3.ts), without asking upstream.
 *
 * - RFC 8198 §5.1: only records whose validation status is secure are used (the index holds only those).
 * - RFC 8198 §5.4: the TTL of the synthesised answer is the smallest of the NSEC TTLs left, the SOA TTL left
 *   and the SOA MINIMUM; without a cached secure SOA of the zone nothing is synthesised.
 * - RFC 8198 §4 allows NSEC3; we use it with the iteration counts the validator accepts from upstream
 *   (RFC 9276 §3.2, `ValidationPolicy.maxNsec3Iterations`), so a synthesis never costs more hashing than
 *   validating the same denial from upstream would, and each hash is counted by a WorkBudget (CVE-2023-50868);
 *   a proof resting on an opt-out span is insecure, never synthesised (RFC 8198 §4.2: opt-out denies nothing).
 */
import type { ResolveResult } from '../resolver/api.js';
import type { Name } from '../resolver/wire/name.js';
import { CLASS_IN, RCODE, T } from '../resolver/wire/types.js';
import type { RR } from '../resolver/wire/types.js';
import { proveNodataNsec, proveNxdomainNsec, proveWildcardNsec, toNsecRecord } from '../resolver/dnssec/nsec.js';
import { byParameters, Nsec3Hasher, proveNodataNsec3, proveNxdomainNsec3, proveWildcardNsec3, toNsec3Record, type Nsec3Record } from '../resolver/dnssec/nsec3.js';
import { NSEC3_HASH_SHA1 } from '../resolver/dnssec/nsec3-hash.js';
import { NSEC3_OPT_OUT } from '../resolver/wire/dnssec-rdata.js';
import { WorkBudget } from '../resolver/dnssec/budget.js';
import { secure, type Verdict } from '../resolver/dnssec/verdict.js';
import { flatten, type RrsetGroup } from '../resolver/dnssec/rrsets.js';
import { DEFAULT_POLICY } from '../resolver/dnssec/policy.js';
import { rrsetKey, type RrsetEntry } from './entries.js';
import { negativeTtl, remainingTtl, withTtl } from './ttl.js';
import type { CacheStore } from './store.js';
import type { ZoneNsecs } from './nsec-index.js';

/** RFC 9276 §3.2: NSEC3 records are used for synthesis up to the iteration count the validator accepts. */
export const MAX_SYNTHESIS_NSEC3_ITERATIONS = DEFAULT_POLICY.maxNsec3Iterations;

interface Proof {
  rcode: number;
  verdict: Verdict;
  used: RrsetGroup[];
}

/** The secure NSEC and NSEC3 RRsets held for a zone, each with its entry (for its TTL left). */
function heldDenials(store: CacheStore, zone: ZoneNsecs, now: number): Map<RrsetGroup, RrsetEntry> {
  const held = new Map<RrsetGroup, RrsetEntry>();
  for (const key of zone.keys.values()) {
    const e = store.rrset(key, now);
    if (e && e.verdict.status === 'secure') held.set(groupOf(e), e);
  }
  return held;
}

const groupOf = (e: RrsetEntry): RrsetGroup => ({ name: e.name, type: e.type, class: e.class, rrs: e.rrs, sigs: e.sigs });

/** A synthesised NXDOMAIN or NODATA for the question, or undefined when the cached records do not prove one. */
export function synthesise(store: CacheStore, qname: Name, qtype: number, now: number): ResolveResult | undefined {
  // DS lives on the parent side of a cut (RFC 4035 §5.2): search from the parent for it.
  const from = qtype === T.DS && !qname.isRoot ? qname.parent() : qname;
  const zone = store.nsecs.closestZone(from);
  if (!zone) return undefined;
  const soa = store.rrset(rrsetKey(zone.zone, T.SOA, CLASS_IN), now);
  if (!soa || soa.verdict.status !== 'secure' || soa.rrs.length !== 1) return undefined;
  const held = heldDenials(store, zone, now);
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

/** Cached NSEC3 records a synthesis may use, by parameter set (one hasher serves each). */
function nsec3Sets(groups: RrsetGroup[], zone: Name): Nsec3Record[][] {
  const usable: Nsec3Record[] = [];
  for (const g of groups) {
    if (g.type !== T.NSEC3) continue;
    const rec = toNsec3Record(g, zone);
    // RFC 5155 §8.1-8.2: known hash, no unknown flags; RFC 9276 §3.2: the validator's iteration cap.
    if (!rec || rec.rdata.hashAlgorithm !== NSEC3_HASH_SHA1 || (rec.rdata.flags & ~NSEC3_OPT_OUT) !== 0) continue;
    if (rec.rdata.iterations <= MAX_SYNTHESIS_NSEC3_ITERATIONS) usable.push(rec);
  }
  return byParameters(usable);
}

function nsec3Proof(groups: RrsetGroup[], qname: Name, qtype: number, zone: Name): Proof | undefined {
  const budget = new WorkBudget();
  for (const records of nsec3Sets(groups, zone)) {
    // One budget per synthesis: the same NSEC3 hash cap as a validation (CVE-2023-50868).
    const hasher = new Nsec3Hasher(records[0]!.rdata.salt, records[0]!.rdata.iterations, budget);
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

/** Types never answered from a cached wildcard: DS belongs to the parent side, the meta-types to nobody. */
const NO_WILDCARD_SYNTHESIS = new Set<number>([T.DS, T.ANY, T.RRSIG, T.NSEC, T.NSEC3]);

/**
 * RFC 8198 §5.3: a positive answer synthesised from a cached secure wildcard RRset (`*.CE`, learnt from an
 * earlier expansion, see store.ts) and a cached secure NSEC/NSEC3 proving that `qname` does not exist and that
 * CE is its closest encloser: the same proof the validator asks of an upstream wildcard answer (RFC 4035
 * §5.3.4, RFC 5155 §8.8), so the synthesised answer is exactly as proven as the one upstream would send. The
 * answer is the wildcard RRset of `qtype`, or its CNAME for the caller to follow.
 */
export function synthesiseWildcard(store: CacheStore, qname: Name, qtype: number, now: number): ResolveResult | undefined {
  if (NO_WILDCARD_SYNTHESIS.has(qtype) || qname.isRoot || qname.isWildcard) return undefined;
  const zone = store.nsecs.closestZone(qname);
  if (!zone || !qname.isStrictSubdomainOf(zone.zone)) return undefined;
  let held: Map<RrsetGroup, RrsetEntry> | undefined;
  // The deepest encloser with a cached wildcard first: a deeper one, if it existed, would be the closest.
  for (let ce = qname.parent(); ce.isSubdomainOf(zone.zone); ce = ce.parent()) {
    const wildcard = ce.prepend('*');
    const entry = [qtype, T.CNAME].map((t) => store.rrset(rrsetKey(wildcard, t, CLASS_IN), now)).find((e) => e?.verdict.status === 'secure');
    if (entry) {
      held ??= heldDenials(store, zone, now);
      const proof = wildcardProof([...held.keys()], qname, ce, zone.zone);
      if (!proof) return undefined;
      let ttl = remainingTtl(entry.expiresAt, now);
      const used: RR[] = [];
      for (const group of proof.used) {
        ttl = Math.min(ttl, remainingTtl(held.get(group)!.expiresAt, now));
        used.push(...flatten(group));
      }
      if (ttl <= 0) return undefined;
      // RFC 4035 §5.3.4: the expanded RRset carries the wildcard's RRSIGs (Labels field unchanged) at qname.
      const answer = withTtl([...entry.rrs, ...entry.sigs].map((rr) => ({ ...rr, name: qname })), ttl);
      const verdict = secure(`synthesised from the cached wildcard ${wildcard.toString()} (RFC 8198 §5.3): ${proof.verdict.reason}`, 'AC02');
      return { qname, qtype, rcode: RCODE.NOERROR, answer, authority: withTtl(used, ttl), verdict, ttl };
    }
    if (ce.equals(zone.zone)) break;
  }
  return undefined;
}

function wildcardProof(groups: RrsetGroup[], qname: Name, ce: Name, zone: Name): Proof | undefined {
  const nsecs = groups.filter((g) => g.type === T.NSEC).flatMap((g) => toNsecRecord(g, zone) ?? []);
  if (nsecs.length > 0) {
    const p = proveWildcardNsec(nsecs, qname, ce, zone);
    if (p.verdict.status === 'secure') return { rcode: RCODE.NOERROR, verdict: p.verdict, used: p.used };
  }
  const budget = new WorkBudget();
  for (const records of nsec3Sets(groups, zone)) {
    const hasher = new Nsec3Hasher(records[0]!.rdata.salt, records[0]!.rdata.iterations, budget);
    const p = proveWildcardNsec3(records, hasher, qname, ce, zone);
    if (p.verdict.status === 'secure') return { rcode: RCODE.NOERROR, verdict: p.verdict, used: p.used };
  }
  return undefined;
}
