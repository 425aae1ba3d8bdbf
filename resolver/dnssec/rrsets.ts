/**
 * Grouping a response section into RRsets with their covering RRSIGs, and verifying one group against a zone's
 * trusted keys. RRSIGs are attached by owner and Type Covered (RFC 4034 §3.1.1), never by position.
 */
import type { Name } from '../wire/name.js';
import { T, type RR } from '../wire/types.js';
import { bogus, EDE, type Verdict } from './verdict.js';
import type { ValidationPolicy } from './policy.js';
import type { WorkBudget } from './budget.js';
import { verifyRrset, type VerifyResult } from './verify.js';

/** One RRset (same owner, type, class) and the RRSIGs at its owner that cover its type. */
export interface RrsetGroup {
  name: Name;
  type: number;
  class: number;
  rrs: RR[];
  sigs: RR[];
}

/** Type Covered of an RRSIG RR (first two RDATA octets); undefined when the RDATA is too short. */
export function rrsigCovered(rr: RR): number | undefined {
  return rr.rdata.length >= 2 ? (rr.rdata[0]! << 8) | rr.rdata[1]! : undefined;
}

const groupKey = (name: Name, type: number, cls: number): string => `${name.key}|${type}|${cls}`;

/**
 * RRsets of a section in first-seen order, each with its RRSIGs. RRSIGs that cover no RRset present are
 * dropped; identical RRs are kept once (RFC 2181 §5: an RRset has no duplicate records).
 */
export function groupRrsets(records: readonly RR[]): RrsetGroup[] {
  const groups = new Map<string, RrsetGroup>();
  for (const rr of records) {
    if (rr.type === T.RRSIG) continue;
    const k = groupKey(rr.name, rr.type, rr.class);
    const g = groups.get(k);
    if (!g) groups.set(k, { name: rr.name, type: rr.type, class: rr.class, rrs: [rr], sigs: [] });
    else if (!g.rrs.some((x) => sameRdata(x, rr))) g.rrs.push(rr);
  }
  for (const rr of records) {
    if (rr.type !== T.RRSIG) continue;
    const covered = rrsigCovered(rr);
    if (covered === undefined) continue;
    groups.get(groupKey(rr.name, covered, rr.class))?.sigs.push(rr);
  }
  return [...groups.values()];
}

function sameRdata(a: RR, b: RR): boolean {
  if (a.rdata.length !== b.rdata.length) return false;
  for (let i = 0; i < a.rdata.length; i++) if (a.rdata[i] !== b.rdata[i]) return false;
  return true;
}

export function findRrset(groups: readonly RrsetGroup[], name: Name, type: number): RrsetGroup | undefined {
  return groups.find((g) => g.type === type && g.name.equals(name));
}

/** The records of a group followed by its RRSIGs, as returned to callers. */
export function flatten(group: RrsetGroup): RR[] {
  return [...group.rrs, ...group.sigs];
}

export function minTtl(rrs: readonly RR[]): number {
  let ttl = Infinity;
  for (const rr of rrs) if (rr.ttl < ttl) ttl = rr.ttl;
  return ttl === Infinity ? 0 : ttl;
}

export interface VerifyContext {
  zone: Name;
  keys: RR[];
  now: number;
  policy: ValidationPolicy;
  budget: WorkBudget;
}

/**
 * Verifies one group with the zone's trusted keys. Secure only when the signature that verified names this
 * zone as signer: RFC 4035 §5.3.1 "The RRSIG RR's Signer's Name field MUST be the name of the zone that contains
 * the RRset" — data of another zone, even an ancestor, is not accepted here.
 */
export function verifyGroup(ctx: VerifyContext, group: RrsetGroup): VerifyResult {
  if (!group.name.isSubdomainOf(ctx.zone)) {
    return bogus(`${group.name.toString()} is outside zone ${ctx.zone.toString()}`, EDE.DNSSEC_BOGUS, 'RSOZ');
  }
  const result = verifyRrset({ rrset: group.rrs, rrsigs: group.sigs, dnskeys: ctx.keys, now: ctx.now, policy: ctx.policy, budget: ctx.budget });
  if (result.status === 'secure' && result.signer !== undefined && !result.signer.equals(ctx.zone)) {
    return bogus(`${group.name.toString()} was signed by ${result.signer.toString()}, not by ${ctx.zone.toString()}`, EDE.DNSSEC_BOGUS, 'RSSZ');
  }
  // The zone's keys are authenticated, so its data must carry a signature we can check: RRSIGs only in
  // unsupported algorithms would otherwise let an attacker downgrade secure data to insecure (RFC 4035 §5.3).
  if (result.status === 'insecure') return { ...result, status: 'bogus' };
  return result;
}

/** Combines part verdicts: bogus beats indeterminate beats insecure beats secure (RFC 4035 §4.3 ordering of trust). */
export function worstOf(verdicts: readonly Verdict[]): Verdict | undefined {
  const rank = { secure: 0, insecure: 1, indeterminate: 2, bogus: 3 } as const;
  let worst: Verdict | undefined;
  for (const v of verdicts) if (worst === undefined || rank[v.status] > rank[worst.status]) worst = v;
  return worst;
}
