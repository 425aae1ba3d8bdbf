/**
 * Authenticated denial of existence over a response's authority section: picks the NSEC and NSEC3 records a
 * zone signed, sets aside the ones a validator must ignore, and runs the proof asked for with NSEC (RFC 4035
 * §5.4) or NSEC3 (RFC 5155 §8).
 *
 * Check ids: DN01 no denial records · DN02 NSEC3 iterations above the cap (insecure, EDE 27) · DN03 only
 * unknown NSEC3 hash algorithms (bogus: ignored, so nothing is proven).
 */
import type { Name } from '../wire/name.js';
import { T } from '../wire/types.js';
import { bogus, EDE, insecure, type Verdict } from './verdict.js';
import { type RrsetGroup, type VerifyContext, verifyGroup } from './rrsets.js';
import { proveNoDsNsec, proveNodataNsec, proveNxdomainNsec, proveWildcardNsec, toNsecRecord, type NsecRecord } from './nsec.js';
import {
  byParameters, Nsec3Hasher, proveNoDsNsec3, proveNodataNsec3, proveNxdomainNsec3, proveWildcardNsec3, toNsec3Record, type Nsec3Record,
} from './nsec3.js';
import { NSEC3_HASH_SHA1 } from './nsec3-hash.js';
import { NSEC3_OPT_OUT } from '../wire/dnssec-rdata.js';

/** The verified, usable denial records of one zone found in a response. */
export interface DenialSet {
  zone: Name;
  nsecs: NsecRecord[];
  /** NSEC3 records grouped by parameter set (iterations, salt), each group with its own hash cache. */
  nsec3Sets: Array<{ records: Nsec3Record[]; hasher: Nsec3Hasher }>;
  /** Highest iteration count among verified NSEC3 set aside for exceeding policy (RFC 9276 §3.2). */
  iterationsAboveCap?: number;
  /** Verified NSEC3 records with an unknown hash algorithm were set aside (RFC 5155 §8.1). */
  unknownHash: boolean;
  /** Verdicts of denial records that did not verify (reported when no proof succeeds). */
  failures: Verdict[];
  /** Lowest TTL of the verified denial records (RFC 4035 §5.3.3 capped). */
  ttl: number;
}

export type DenialGoal =
  | { kind: 'nxdomain'; qname: Name }
  | { kind: 'nodata'; qname: Name; qtype: number }
  | { kind: 'wildcard'; qname: Name; wildcardParent: Name }
  | { kind: 'nods'; child: Name };

export interface DenialProof {
  verdict: Verdict;
  used: RrsetGroup[];
}

/**
 * Collects NSEC/NSEC3 of `ctx.zone` from `groups`, keeping only those the zone signed. Records outside the zone,
 * signed by another zone, wildcard-expanded, or failing verification are not used (RFC 4035 §5.4: "the
 * resolver MUST verify the NSEC RRs"). NSEC3 with flags other than opt-out are ignored (RFC 5155 §8.2).
 */
export function collectDenial(ctx: VerifyContext, groups: readonly RrsetGroup[]): DenialSet {
  const set: DenialSet = { zone: ctx.zone, nsecs: [], nsec3Sets: [], unknownHash: false, failures: [], ttl: Infinity };
  const usable: Nsec3Record[] = [];
  for (const g of groups) {
    if ((g.type !== T.NSEC && g.type !== T.NSEC3) || !g.name.isSubdomainOf(ctx.zone)) continue;
    const nsec = g.type === T.NSEC ? toNsecRecord(g, ctx.zone) : undefined;
    const nsec3 = g.type === T.NSEC3 ? toNsec3Record(g, ctx.zone) : undefined;
    if (!nsec && !nsec3) continue;
    if (nsec3 && (nsec3.rdata.flags & ~NSEC3_OPT_OUT) !== 0) continue;
    const v = verifyGroup(ctx, g);
    if (v.status !== 'secure' || v.wildcard !== undefined) {
      set.failures.push(v.status === 'secure' ? bogus(`${g.name.toString()} NSEC record is wildcard-expanded`, EDE.DNSSEC_BOGUS, 'DN04') : v);
      continue;
    }
    set.ttl = Math.min(set.ttl, v.ttl ?? Infinity);
    if (nsec) set.nsecs.push(nsec);
    if (nsec3 && usableNsec3(set, nsec3, ctx.policy.maxNsec3Iterations)) usable.push(nsec3);
  }
  for (const records of byParameters(usable)) {
    const first = records[0]!.rdata;
    set.nsec3Sets.push({ records, hasher: new Nsec3Hasher(first.salt, first.iterations, ctx.budget) });
  }
  return set;
}

/** Whether a verified NSEC3 record can serve a proof; notes on `set` why not when it cannot. */
function usableNsec3(set: DenialSet, rec: Nsec3Record, maxIterations: number): boolean {
  // RFC 5155 §8.1: "Validators MUST ignore NSEC3 RRs with unknown hash types."
  if (rec.rdata.hashAlgorithm !== NSEC3_HASH_SHA1) { set.unknownHash = true; return false; }
  // RFC 9276 §3.2: above the cap the response is treated as insecure; never hash at that cost.
  if (rec.rdata.iterations > maxIterations) {
    set.iterationsAboveCap = Math.max(set.iterationsAboveCap ?? 0, rec.rdata.iterations);
    return false;
  }
  return true;
}

/** Runs the proof for `goal`, NSEC first, then each NSEC3 parameter set; the first secure or insecure outcome wins. */
export function proveDenial(set: DenialSet, goal: DenialGoal): DenialProof {
  let firstFailure: DenialProof | undefined;
  if (set.nsecs.length > 0) {
    const p = nsecProof(set, goal);
    if (p.verdict.status !== 'bogus') return p;
    firstFailure = p;
  }
  for (const n3 of set.nsec3Sets) {
    const p = nsec3Proof(set, n3.records, n3.hasher, goal);
    if (p.verdict.status !== 'bogus' || p.verdict.id === 'N3BX') return p;
    firstFailure ??= p;
  }
  if (set.iterationsAboveCap !== undefined) {
    return {
      verdict: insecure(`NSEC3 iterations ${set.iterationsAboveCap} exceed the cap of policy (RFC 9276 §3.2)`, EDE.UNSUPPORTED_NSEC3_ITERATIONS, 'DN02'),
      used: [],
    };
  }
  // RFC 5155 §8.1: "responses containing only NSEC3 RRs with unknown hash types will be considered bogus."
  if (set.unknownHash && !firstFailure) return { verdict: bogus(`only NSEC3 records with an unknown hash algorithm from ${set.zone.toString()}: nothing proves ${describe(goal)} (RFC 5155 §8.1)`, EDE.NSEC_MISSING, 'DN03'), used: [] };
  // A denial record that failed verification is the likelier cause than the proof that could not be built.
  const broken = set.failures[0];
  if (broken) return { verdict: broken, used: [] };
  return firstFailure ?? { verdict: bogus(`no NSEC or NSEC3 records from ${set.zone.toString()} to prove ${describe(goal)}`, EDE.NSEC_MISSING, 'DN01'), used: [] };
}

function nsecProof(set: DenialSet, goal: DenialGoal): DenialProof {
  switch (goal.kind) {
    case 'nxdomain': return proveNxdomainNsec(set.nsecs, goal.qname, set.zone);
    case 'nodata': return proveNodataNsec(set.nsecs, goal.qname, goal.qtype, set.zone);
    case 'wildcard': return proveWildcardNsec(set.nsecs, goal.qname, goal.wildcardParent, set.zone);
    case 'nods': return proveNoDsNsec(set.nsecs, goal.child);
  }
}

function nsec3Proof(set: DenialSet, records: Nsec3Record[], hasher: Nsec3Hasher, goal: DenialGoal): DenialProof {
  switch (goal.kind) {
    case 'nxdomain': return proveNxdomainNsec3(records, hasher, goal.qname, set.zone);
    case 'nodata': return proveNodataNsec3(records, hasher, goal.qname, goal.qtype, set.zone);
    case 'wildcard': return proveWildcardNsec3(records, hasher, goal.qname, goal.wildcardParent, set.zone);
    case 'nods': return proveNoDsNsec3(records, hasher, goal.child, set.zone);
  }
}

function describe(goal: DenialGoal): string {
  switch (goal.kind) {
    case 'nxdomain': return `that ${goal.qname.toString()} does not exist`;
    case 'nodata': return `that ${goal.qname.toString()} has no type ${goal.qtype}`;
    case 'wildcard': return `that ${goal.qname.toString()} does not exist (wildcard answer)`;
    case 'nods': return `that ${goal.child.toString()} has no DS`;
  }
}
