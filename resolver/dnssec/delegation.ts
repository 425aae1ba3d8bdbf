/**
 * Securing a delegation below a zone whose keys are known (RFC 4035 §5.2): from a referral, or from the answer
 * to a DS query sent to the parent. A signed DS RRset makes the child secure (its keys are checked next, by
 * validateZoneKeys); a proven absence of DS (NSEC, NSEC3, NSEC3 opt-out) makes it insecure; anything else is bogus.
 *
 * Check ids: DG00 secure · DG01 parent not secure · DG02 child not below parent · DG03 DS did not verify ·
 * DG04 no DS and no proof of absence (the denial proof's id follows in the reason) · DGEX unexpected error.
 */
import type { Name } from '../wire/name.js';
import { T, type RR } from '../wire/types.js';
import { bogus, EDE, secure, type Verdict } from './verdict.js';
import type { ValidationPolicy } from './policy.js';
import type { WorkBudget } from './budget.js';
import type { ZoneKeys } from './zone-keys.js';
import { findRrset, groupRrsets, verifyGroup, type VerifyContext } from './rrsets.js';
import { collectDenial, proveDenial } from './denial.js';

export type Delegation =
  | { kind: 'secure'; ds: RR[]; verdict: Verdict }
  | { kind: 'insecure'; verdict: Verdict }
  | { kind: 'bogus'; verdict: Verdict };

export interface DelegationInput {
  child: Name;
  parent: ZoneKeys;
  answer: RR[];
  authority: RR[];
  now: number;
  policy: ValidationPolicy;
  budget: WorkBudget;
}

export function validateDelegation(i: DelegationInput): Delegation {
  try {
    return check(i);
  } catch (e) {
    return { kind: 'bogus', verdict: bogus(`unexpected error checking the delegation to ${i.child.toString()}: ${String(e)}`, EDE.DNSSEC_BOGUS, 'DGEX') };
  }
}

function check(i: DelegationInput): Delegation {
  const { child, parent } = i;
  // Below an insecure parent everything is insecure; below a bogus or unknown one nothing is trusted.
  if (parent.verdict.status === 'insecure') return { kind: 'insecure', verdict: parent.verdict };
  if (parent.verdict.status !== 'secure') {
    return { kind: 'bogus', verdict: { ...parent.verdict, status: 'bogus', id: parent.verdict.id ?? 'DG01' } };
  }
  if (!child.isStrictSubdomainOf(parent.zone)) {
    return { kind: 'bogus', verdict: bogus(`${child.toString()} is not below ${parent.zone.toString()}`, EDE.DNSSEC_BOGUS, 'DG02') };
  }
  const ctx: VerifyContext = { zone: parent.zone, keys: parent.keys, now: i.now, policy: i.policy, budget: i.budget };
  const groups = groupRrsets([...i.answer, ...i.authority]);
  const ds = findRrset(groups, child, T.DS);
  if (ds) {
    // RFC 4035 §5.2: the DS RRset is authenticated with the parent's keys before it may vouch for the child.
    const v = verifyGroup(ctx, ds);
    if (v.status !== 'secure' || v.wildcard !== undefined) {
      return { kind: 'bogus', verdict: v.status === 'secure' ? bogus(`DS of ${child.toString()} is wildcard-synthesised`, EDE.DNSSEC_BOGUS, 'DG03') : v };
    }
    return { kind: 'secure', ds: [...ds.rrs, ...ds.sigs], verdict: secure(`DS of ${child.toString()} verified by ${parent.zone.toString()}`, 'DG00') };
  }
  // RFC 4035 §5.2: "the resolver MUST check ... an authenticated NSEC RRset proves that no DS RRset exists";
  // RFC 5155 §8.6 / §6 for NSEC3 and opt-out.
  const proof = proveDenial(collectDenial(ctx, groups), { kind: 'nods', child });
  if (proof.verdict.status === 'insecure') return { kind: 'insecure', verdict: proof.verdict };
  if (proof.verdict.status === 'secure') {
    // A secure NODATA proof without NS means "no DS here" for a name that is not a cut: not a delegation.
    return { kind: 'bogus', verdict: bogus(`${child.toString()} has no DS but is not proven to be a delegation`, EDE.DNSSEC_BOGUS, 'DG04') };
  }
  return { kind: 'bogus', verdict: { ...proof.verdict, reason: `no DS for ${child.toString()} and no proof of its absence: ${proof.verdict.reason}` } };
}
