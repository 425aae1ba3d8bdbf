/**
 * NSEC3 denial proofs (RFC 5155 §8). Every record given here has been verified as signed by the zone and shares
 * one parameter set (hash algorithm 1, iterations within policy, salt); denial.ts selects those. Each hash goes
 * through the WorkBudget (CVE-2023-50868): exhaustion is a bogus verdict naming the limit.
 *
 * Check ids: N301 qname exists · N302 no closest encloser · N303 next closer not covered · N304 wildcard not
 * covered · N305 type present · N306 CNAME present · N307 parent-side NSEC3 · N308 child-side NSEC3 for DS ·
 * N309 closest encloser is a delegation or DNAME · N310 no proof of NODATA · N311 not a delegation ·
 * N312 DS bit set · N3BX hash budget spent · N320 opt-out (insecure).
 */
import type { Name } from '../wire/name.js';
import { T } from '../wire/types.js';
import { compareBytes } from '../wire/canonical.js';
import { fromBase32Hex, toHex } from '../wire/encoding.js';
import { decodeNsec3, NSEC3_OPT_OUT, type Nsec3 } from '../wire/dnssec-rdata.js';
import { bogus, EDE, insecure, secure, type Verdict } from './verdict.js';
import { MAX_NSEC3_HASH_ROUNDS, type WorkBudget } from './budget.js';
import { nsec3Hash } from './nsec3-hash.js';
import type { RrsetGroup } from './rrsets.js';

export interface Nsec3Record {
  owner: Name;
  /** The hash in the owner's first label (RFC 5155 §3: base32hex). */
  hash: Uint8Array;
  rdata: Nsec3;
  group: RrsetGroup;
}

/** Decodes a verified NSEC3 group; undefined when malformed or its owner is not `<base32hex hash>.<zone>` (RFC 5155 §3). */
export function toNsec3Record(group: RrsetGroup, zone: Name): Nsec3Record | undefined {
  if (group.rrs.length !== 1 || group.name.labelCount !== zone.labelCount + 1 || !group.name.isSubdomainOf(zone)) return undefined;
  try {
    const rdata = decodeNsec3(group.rrs[0]!.rdata);
    const hash = fromBase32Hex(group.name.labels[0]!);
    if (!hash || hash.length !== rdata.nextHashed.length) return undefined;
    return { owner: group.name, hash, rdata, group };
  } catch {
    return undefined;
  }
}

/**
 * Records grouped by parameter set (iterations and salt, RFC 5155 §3.1.3-4): a proof uses one set's records, and
 * one Nsec3Hasher (see below) serves each set.
 */
export function byParameters(records: Iterable<Nsec3Record>): Nsec3Record[][] {
  const groups = new Map<string, Nsec3Record[]>();
  for (const rec of records) {
    const key = `${rec.rdata.iterations}/${toHex(rec.rdata.salt)}`;
    const list = groups.get(key);
    if (list) list.push(rec); else groups.set(key, [rec]);
  }
  return [...groups.values()];
}

/** Hashing with a per-proof cache (one budget unit per distinct name) over one parameter set. */
export class Nsec3Hasher {
  private readonly cache = new Map<string, Uint8Array>();
  constructor(private readonly salt: Uint8Array, private readonly iterations: number, private readonly budget: WorkBudget) {}

  /** The hash of `name`, or undefined when the NSEC3 hash budget is spent. */
  hash(name: Name): Uint8Array | undefined {
    const hit = this.cache.get(name.key);
    if (hit) return hit;
    if (!this.budget.takeNsec3Hash(this.iterations)) return undefined;
    const h = nsec3Hash(name, this.salt, this.iterations);
    this.cache.set(name.key, h);
    return h;
  }

  get limit(): number {
    return this.budget.limits.maxNsec3Hashes;
  }
}

export interface Nsec3Proof {
  verdict: Verdict;
  used: RrsetGroup[];
}

interface Ctx {
  records: readonly Nsec3Record[];
  hasher: Nsec3Hasher;
  zone: Name;
}

const BUDGET = Symbol('budget');
type Hashed<X> = X | typeof BUDGET;

function match(ctx: Ctx, name: Name): Hashed<Nsec3Record | undefined> {
  const h = ctx.hasher.hash(name);
  if (!h) return BUDGET;
  return ctx.records.find((r) => compareBytes(r.hash, h) === 0);
}

/** RFC 5155 §8.3: owner hash < hash < next hash, the last NSEC3 of the chain wrapping around. */
function cover(ctx: Ctx, name: Name): Hashed<Nsec3Record | undefined> {
  const h = ctx.hasher.hash(name);
  if (!h) return BUDGET;
  return ctx.records.find((r) => {
    const next = r.rdata.nextHashed;
    if (h.length !== r.hash.length) return false;
    const afterOwner = compareBytes(r.hash, h) < 0;
    return compareBytes(next, r.hash) <= 0 ? afterOwner || compareBytes(h, next) < 0 : afterOwner && compareBytes(h, next) < 0;
  });
}

interface ClosestEncloser { ce: Name; ceRecord: Nsec3Record; nextCloser: Name; ncRecord: Nsec3Record }

/**
 * RFC 5155 §8.3 closest encloser proof: the longest ancestor of qname matched by an NSEC3, which must not be a
 * delegation (NS without SOA) or a DNAME, and an NSEC3 covering the next closer name.
 */
function closestEncloser(ctx: Ctx, qname: Name): Hashed<ClosestEncloser | Nsec3Proof> {
  for (let candidate = qname; ; candidate = candidate.parent()) {
    const m = match(ctx, candidate);
    if (m === BUDGET) return BUDGET;
    if (m) {
      if (candidate.equals(qname)) return fail('N301', `an NSEC3 matches ${qname.toString()}: it exists`);
      const types = m.rdata.types;
      if ((types.has(T.NS) && !types.has(T.SOA)) || types.has(T.DNAME)) {
        return fail('N309', `closest encloser ${candidate.toString()} is a delegation or DNAME: the proof is from the wrong zone`);
      }
      const nextCloser = qname.suffix(candidate.labelCount + 1);
      const nc = cover(ctx, nextCloser);
      if (nc === BUDGET) return BUDGET;
      if (!nc) return fail('N303', `no NSEC3 covers the next closer name ${nextCloser.toString()}`, EDE.NSEC_MISSING);
      return { ce: candidate, ceRecord: m, nextCloser, ncRecord: nc };
    }
    if (candidate.equals(ctx.zone) || candidate.isRoot) break;
  }
  return fail('N302', `no NSEC3 proves a closest encloser for ${qname.toString()}`, EDE.NSEC_MISSING);
}

/** RFC 5155 §8.4: closest encloser proof plus an NSEC3 covering the wildcard at the closest encloser. */
export function proveNxdomainNsec3(records: readonly Nsec3Record[], hasher: Nsec3Hasher, qname: Name, zone: Name): Nsec3Proof {
  const ctx: Ctx = { records, hasher, zone };
  const cep = closestEncloser(ctx, qname);
  if (cep === BUDGET) return spent(hasher);
  if ('verdict' in cep) return cep;
  const wildcard = cep.ce.prepend('*');
  const wc = cover(ctx, wildcard);
  if (wc === BUDGET) return spent(hasher);
  if (!wc) return fail('N304', `no NSEC3 covers the wildcard ${wildcard.toString()}`, EDE.NSEC_MISSING);
  const used = uniq([cep.ceRecord.group, cep.ncRecord.group, wc.group]);
  // RFC 5155 §9.2 (as Unbound): with opt-out on the next closer, an unsigned delegation may hide there: insecure.
  if (cep.ncRecord.rdata.flags & NSEC3_OPT_OUT) {
    return { verdict: insecure(`NXDOMAIN for ${qname.toString()} rests on an opt-out NSEC3 span`, undefined, 'N320'), used };
  }
  return { verdict: secure(`NSEC3 proves ${qname.toString()} does not exist`, 'N300'), used };
}

/**
 * RFC 5155 §8.5 NODATA (matching NSEC3 without qtype and CNAME), §8.6 DS NODATA (incl. opt-out → insecure),
 * §8.7 wildcard NODATA (closest encloser proof and an NSEC3 matching the wildcard without qtype).
 */
export function proveNodataNsec3(records: readonly Nsec3Record[], hasher: Nsec3Hasher, qname: Name, qtype: number, zone: Name): Nsec3Proof {
  const ctx: Ctx = { records, hasher, zone };
  const m = match(ctx, qname);
  if (m === BUDGET) return spent(hasher);
  if (m) return typesDenyNodata(m, qtype, zone) ?? { verdict: secure(`NSEC3 at ${qname.toString()} proves no type ${qtype}`, 'N300'), used: [m.group] };
  const cep = closestEncloser(ctx, qname);
  if (cep === BUDGET) return spent(hasher);
  if ('verdict' in cep) return cep;
  const wildcard = cep.ce.prepend('*');
  const wc = match(ctx, wildcard);
  if (wc === BUDGET) return spent(hasher);
  if (wc) {
    const used = uniq([cep.ceRecord.group, cep.ncRecord.group, wc.group]);
    const bad = typesDenyNodata(wc, qtype, zone);
    if (bad) return bad;
    // RFC 5155 §9.2: the next closer name lies in an opt-out span, where an unsigned delegation may hide.
    if (cep.ncRecord.rdata.flags & NSEC3_OPT_OUT) return { verdict: insecure(`wildcard NODATA for ${qname.toString()} rests on an opt-out NSEC3 span`, undefined, 'N320'), used };
    return { verdict: secure(`NSEC3 proves wildcard NODATA for ${qname.toString()}`, 'N300'), used };
  }
  // RFC 5155 §8.6: "If there is no matching NSEC3 RR ... the NSEC3 RR that covers the 'next closer' name has the
  // Opt-Out bit set" proves an unsigned delegation for a DS query; for other types the name may be such an
  // unsigned delegation, whose data the parent cannot vouch for (§9.2): insecure, never secure (as Unbound).
  if (cep.ncRecord.rdata.flags & NSEC3_OPT_OUT) {
    return { verdict: insecure(`NODATA for ${qname.toString()} under an opt-out NSEC3 span`, undefined, 'N320'), used: uniq([cep.ceRecord.group, cep.ncRecord.group]) };
  }
  return fail('N310', `no NSEC3 matches ${qname.toString()} or its wildcard`, EDE.NSEC_MISSING);
}

function typesDenyNodata(rec: Nsec3Record, qtype: number, zone: Name): Nsec3Proof | undefined {
  const types = rec.rdata.types;
  if (qtype === T.DS) {
    // RFC 5155 §8.6 / RFC 4035 §5.2: only the parent side can deny DS; SOA set means the child apex.
    if (types.has(T.SOA) && !zone.isRoot) return fail('N308', `NSEC3 ${rec.owner.toString()} is from the child apex and cannot deny DS`);
  } else if (types.has(T.NS) && !types.has(T.SOA)) {
    return fail('N307', `NSEC3 ${rec.owner.toString()} is the parent side of a delegation and cannot deny type ${qtype}`);
  }
  if (types.has(qtype)) return fail('N305', `NSEC3 ${rec.owner.toString()} shows type ${qtype} exists`);
  if (types.has(T.CNAME)) return fail('N306', `NSEC3 ${rec.owner.toString()} shows a CNAME exists`);
  return undefined;
}

/** RFC 5155 §8.8: a wildcard answer needs an NSEC3 covering the next closer name below the wildcard's parent. */
export function proveWildcardNsec3(records: readonly Nsec3Record[], hasher: Nsec3Hasher, qname: Name, wildcardParent: Name, zone: Name): Nsec3Proof {
  const ctx: Ctx = { records, hasher, zone };
  if (!qname.isStrictSubdomainOf(wildcardParent)) return fail('N303', `${qname.toString()} is not below ${wildcardParent.toString()}`);
  const nextCloser = qname.suffix(wildcardParent.labelCount + 1);
  const nc = cover(ctx, nextCloser);
  if (nc === BUDGET) return spent(hasher);
  if (!nc) return fail('N303', `no NSEC3 covers the next closer name ${nextCloser.toString()} of the wildcard answer`, EDE.NSEC_MISSING);
  // RFC 5155 §9.2: with opt-out on the next closer name an unsigned delegation may exist there, so the wildcard
  // answer cannot be proven to be the right one: insecure.
  if (nc.rdata.flags & NSEC3_OPT_OUT) return { verdict: insecure(`wildcard answer for ${qname.toString()} rests on an opt-out NSEC3 span`, undefined, 'N320'), used: [nc.group] };
  return { verdict: secure(`NSEC3 proves ${nextCloser.toString()} does not exist (wildcard answer)`, 'N300'), used: [nc.group] };
}

/**
 * DS absence at a referral (RFC 5155 §8.6 applied to a delegation, RFC 4035 §5.2): an NSEC3 matching the child
 * with NS set and DS/SOA clear, or a closest encloser proof whose next closer NSEC3 has opt-out. Insecure when proven.
 */
export function proveNoDsNsec3(records: readonly Nsec3Record[], hasher: Nsec3Hasher, child: Name, zone: Name): Nsec3Proof {
  const ctx: Ctx = { records, hasher, zone };
  const m = match(ctx, child);
  if (m === BUDGET) return spent(hasher);
  if (m) {
    const types = m.rdata.types;
    if (types.has(T.SOA)) return fail('N308', `NSEC3 at ${child.toString()} is from the child apex and cannot deny DS`);
    if (types.has(T.DS)) return fail('N312', `NSEC3 at ${child.toString()} shows a DS exists but none was given`);
    if (!types.has(T.NS)) return fail('N311', `NSEC3 at ${child.toString()} shows no delegation there`);
    return { verdict: insecure(`NSEC3 proves ${child.toString()} is an unsigned delegation`, undefined, 'N321'), used: [m.group] };
  }
  const cep = closestEncloser(ctx, child);
  if (cep === BUDGET) return spent(hasher);
  if ('verdict' in cep) return cep;
  if (!(cep.ncRecord.rdata.flags & NSEC3_OPT_OUT)) {
    return fail('N310', `the NSEC3 covering ${cep.nextCloser.toString()} has no opt-out: ${child.toString()} is not a delegation`);
  }
  return { verdict: insecure(`opt-out NSEC3 covers ${cep.nextCloser.toString()}: unsigned delegation`, undefined, 'N320'), used: uniq([cep.ceRecord.group, cep.ncRecord.group]) };
}

function spent(hasher: Nsec3Hasher): Nsec3Proof {
  return fail('N3BX', `NSEC3 hash budget spent (maxNsec3Hashes = ${hasher.limit}, MAX_NSEC3_HASH_ROUNDS = ${MAX_NSEC3_HASH_ROUNDS})`);
}

function fail(id: string, reason: string, ede: number = EDE.DNSSEC_BOGUS): Nsec3Proof {
  return { verdict: bogus(reason, ede, id), used: [] };
}

function uniq(groups: RrsetGroup[]): RrsetGroup[] {
  return [...new Set(groups)];
}
