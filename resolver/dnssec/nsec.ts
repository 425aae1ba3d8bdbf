/**
 * NSEC denial proofs (RFC 4034 §4, RFC 4035 §3.1.3, §5.4; RFC 7129 for the reasoning). Every record given here
 * has already been verified as signed by the zone; these functions only reason about names and type bitmaps.
 *
 * Check ids: NS01 qname exists · NS02 no NSEC covers qname · NS03 wildcard not disproved · NS04 type present ·
 * NS05 CNAME present · NS06 parent-side NSEC used for data below/at cut · NS07 child-side NSEC for DS ·
 * NS08 no NSEC matches · NS09 wildcard closest encloser mismatch · NS10 not a delegation · NS11 DS bit set.
 */
import { Name } from '../wire/name.js';
import { T } from '../wire/types.js';
import { decodeNsec, type TypeBitmap } from '../wire/dnssec-rdata.js';
import { bogus, EDE, insecure, secure, type Verdict } from './verdict.js';
import type { RrsetGroup } from './rrsets.js';

export interface NsecRecord {
  owner: Name;
  next: Name;
  types: TypeBitmap;
  group: RrsetGroup;
}

/** A proof outcome: the verdict and the NSEC groups it relied on. */
export interface NsecProof {
  verdict: Verdict;
  used: RrsetGroup[];
}

/**
 * Decodes a verified NSEC group; undefined when malformed, not a single record, or its next name lies outside
 * the zone (the last NSEC points back to the apex, RFC 4034 §4.1.1).
 */
export function toNsecRecord(group: RrsetGroup, zone: Name): NsecRecord | undefined {
  if (group.rrs.length !== 1 || !group.name.isSubdomainOf(zone)) return undefined;
  try {
    const { next, types } = decodeNsec(group.rrs[0]!.rdata);
    if (!next.isSubdomainOf(zone)) return undefined;
    return { owner: group.name, next, types, group };
  } catch {
    return undefined;
  }
}

/** NS without SOA: the parent side of a zone cut (RFC 4035 §5.2 "ancestor delegation"). */
export function isDelegation(types: TypeBitmap): boolean {
  return types.has(T.NS) && !types.has(T.SOA);
}

/**
 * Can this NSEC speak about `name` at all? RFC 4035 §5.2 / RFC 6840 §4.1: an NSEC at a delegation point (NS
 * without SOA) or at a DNAME (RFC 6672 §5.3.2) says nothing about names below its owner.
 */
function speaksFor(nsec: NsecRecord, name: Name): boolean {
  if (!name.isStrictSubdomainOf(nsec.owner)) return true;
  return !isDelegation(nsec.types) && !nsec.types.has(T.DNAME);
}

/** RFC 4034 §4.1.1 canonical-order coverage: owner < name < next, the last NSEC (next <= owner) wrapping to the apex. */
export function nsecCovers(nsec: NsecRecord, name: Name): boolean {
  if (Name.compare(nsec.owner, name) >= 0) return false;
  const wraps = Name.compare(nsec.next, nsec.owner) <= 0;
  return wraps || Name.compare(name, nsec.next) < 0;
}

/**
 * An NSEC that proves `name` does not exist: covers it, may speak for it, and its next name is not below `name`
 * (which would make `name` an empty non-terminal, RFC 4592 §2.2.2).
 */
function findNameDenial(nsecs: readonly NsecRecord[], name: Name): NsecRecord | undefined {
  return nsecs.find((x) => nsecCovers(x, name) && speaksFor(x, name) && !x.next.isStrictSubdomainOf(name));
}

/** The closest encloser implied by a covering NSEC: the longest ancestor of qname shared with owner or next. */
function closestEncloser(nsec: NsecRecord, qname: Name, zone: Name): Name {
  const shared = Math.max(Name.commonLabels(qname, nsec.owner), Name.commonLabels(qname, nsec.next), zone.labelCount);
  return qname.suffix(shared);
}

/** RFC 4035 §3.1.3.2 / §5.4: an NSEC covering qname and an NSEC covering the wildcard at the closest encloser. */
export function proveNxdomainNsec(nsecs: readonly NsecRecord[], qname: Name, zone: Name): NsecProof {
  if (nsecs.some((x) => x.owner.equals(qname))) return fail('NS01', `an NSEC shows ${qname.toString()} exists`);
  const cover = findNameDenial(nsecs, qname);
  if (!cover) return fail('NS02', `no NSEC proves ${qname.toString()} does not exist`, EDE.NSEC_MISSING);
  const wildcard = closestEncloser(cover, qname, zone).prepend('*');
  const wcCover = findNameDenial(nsecs, wildcard);
  if (!wcCover) return fail('NS03', `no NSEC proves the wildcard ${wildcard.toString()} does not exist`, EDE.NSEC_MISSING);
  return { verdict: secure(`NSEC proves ${qname.toString()} does not exist`, 'NS00'), used: uniq([cover.group, wcCover.group]) };
}

/**
 * NODATA (RFC 4035 §3.1.3.1): an NSEC at qname without qtype and without CNAME; for an empty non-terminal an
 * NSEC whose next name is below qname; else wildcard NODATA (§3.1.3.4): qname covered and the wildcard at the
 * closest encloser matched without qtype.
 */
export function proveNodataNsec(nsecs: readonly NsecRecord[], qname: Name, qtype: number, zone: Name): NsecProof {
  const exact = nsecs.find((x) => x.owner.equals(qname));
  if (exact) {
    const bad = typesDenyNodata(exact, qtype, zone);
    return bad ?? { verdict: secure(`NSEC at ${qname.toString()} proves no ${qtype} records`, 'NS00'), used: [exact.group] };
  }
  const ent = nsecs.find((x) => nsecCovers(x, qname) && speaksFor(x, qname) && x.next.isStrictSubdomainOf(qname));
  if (ent) return { verdict: secure(`NSEC proves ${qname.toString()} is an empty non-terminal`, 'NS00'), used: [ent.group] };
  const cover = findNameDenial(nsecs, qname);
  if (!cover) return fail('NS08', `no NSEC matches or covers ${qname.toString()}`, EDE.NSEC_MISSING);
  const wildcard = closestEncloser(cover, qname, zone).prepend('*');
  const wc = nsecs.find((x) => x.owner.equals(wildcard));
  if (!wc) return fail('NS03', `${qname.toString()} does not exist and no NSEC shows wildcard NODATA at ${wildcard.toString()}`, EDE.NSEC_MISSING);
  const bad = typesDenyNodata(wc, qtype, zone);
  return bad ?? { verdict: secure(`NSEC proves wildcard NODATA for ${qname.toString()}`, 'NS00'), used: uniq([cover.group, wc.group]) };
}

/** Checks the bitmap of a matching NSEC for a NODATA claim; undefined when it supports it. */
function typesDenyNodata(nsec: NsecRecord, qtype: number, zone: Name): NsecProof | undefined {
  const at = nsec.owner.toString();
  if (qtype === T.DS) {
    // RFC 4035 §5.2 / RFC 6840 §4.1: DS lives on the parent side; the child apex NSEC (SOA set) cannot deny it.
    if (nsec.types.has(T.SOA) && !nsec.owner.isRoot) return fail('NS07', `NSEC at ${at} is from the child apex and cannot deny DS`);
  } else if (isDelegation(nsec.types) && !nsec.owner.equals(zone)) {
    // A parent-side NSEC at a cut describes the delegation, not the child's data (RFC 4035 §5.2).
    return fail('NS06', `NSEC at ${at} is the parent side of a delegation and cannot deny type ${qtype}`);
  }
  if (nsec.types.has(qtype)) return fail('NS04', `NSEC at ${at} shows type ${qtype} exists`);
  if (nsec.types.has(T.CNAME)) return fail('NS05', `NSEC at ${at} shows a CNAME exists`);
  return undefined;
}

/**
 * RFC 4035 §5.3.4: a wildcard-expanded answer is valid only when an NSEC proves qname itself does not exist and
 * that the closest encloser it implies is the wildcard's parent (no closer name exists).
 */
export function proveWildcardNsec(nsecs: readonly NsecRecord[], qname: Name, wildcardParent: Name, zone: Name): NsecProof {
  const cover = findNameDenial(nsecs, qname);
  if (!cover) return fail('NS02', `no NSEC proves ${qname.toString()} does not exist for the wildcard answer`, EDE.NSEC_MISSING);
  const ce = closestEncloser(cover, qname, zone);
  if (!ce.equals(wildcardParent)) {
    return fail('NS09', `closest encloser ${ce.toString()} is not the wildcard's parent ${wildcardParent.toString()}`);
  }
  return { verdict: secure(`NSEC proves ${qname.toString()} does not exist (wildcard answer)`, 'NS00'), used: [cover.group] };
}

/**
 * RFC 4035 §5.2: an insecure delegation is proven by the parent's NSEC at the child name with NS set and
 * DS (and SOA) clear. Returns insecure when proven, bogus otherwise.
 */
export function proveNoDsNsec(nsecs: readonly NsecRecord[], child: Name): NsecProof {
  const at = nsecs.find((x) => x.owner.equals(child));
  if (!at) return fail('NS08', `no NSEC at ${child.toString()} proves the DS absent`, EDE.NSEC_MISSING);
  if (at.types.has(T.SOA)) return fail('NS07', `NSEC at ${child.toString()} is from the child apex and cannot deny DS`);
  if (at.types.has(T.DS)) return fail('NS11', `NSEC at ${child.toString()} shows a DS exists but none was given`);
  if (!at.types.has(T.NS)) return fail('NS10', `NSEC at ${child.toString()} shows no delegation there`);
  return { verdict: insecure(`NSEC proves ${child.toString()} is an unsigned delegation`, undefined, 'NS20'), used: [at.group] };
}

function fail(id: string, reason: string, ede: number = EDE.DNSSEC_BOGUS): NsecProof {
  return { verdict: bogus(reason, ede, id), used: [] };
}

function uniq(groups: RrsetGroup[]): RrsetGroup[] {
  return [...new Set(groups)];
}
