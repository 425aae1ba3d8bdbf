/**
 * An in-memory authoritative server for signed test zones (RFC 1034 §4.3.2 with the DNSSEC additions of
 * RFC 4035 §3.1): exact answers, CNAME/DNAME inside the zone, referrals with DS or a denial proof of it, NODATA
 * and NXDOMAIN with NSEC or NSEC3 proofs, wildcard expansion with its proof. Only what the scenarios need,
 * written plainly so a reader can check each reply against the RFC.
 */
import { Name } from '../../resolver/wire/name.js';
import { RCODE, T, type Message, type RR } from '../../resolver/wire/types.js';
import { nsec3For, nsecFor, sigsOf, type Nsec3Options } from '../support/signer.js';

export interface AuthZone {
  apex: Name;
  /** All records of the zone, signed (output of signZone) or not. */
  rrs: RR[];
  denial: 'nsec' | 'nsec3' | 'none';
  nsec3?: Nsec3Options;
}

interface Sections {
  rcode: number;
  aa: boolean;
  answer: RR[];
  authority: RR[];
  additional: RR[];
}

const covered = (r: RR): number => (r.rdata[0]! << 8) | r.rdata[1]!;
const target = (r: RR): Name => Name.decode(r.rdata, 0).name;

/** Answers `qname`/`qtype` from the deepest served zone containing it, or REFUSED when none does. */
export function answerFrom(zones: readonly AuthZone[], qname: Name, qtype: number): Sections {
  const zone = pickZone(zones, qname, qtype);
  if (!zone) return { rcode: RCODE.REFUSED, aa: false, answer: [], authority: [], additional: [] };
  const out: Sections = { rcode: RCODE.NOERROR, aa: true, answer: [], authority: [], additional: [] };
  let name = qname;
  for (let hops = 0; hops < 8; hops++) {
    const next = answerName(zone, name, qtype, out);
    if (!next || !next.isSubdomainOf(zone.apex)) break;
    name = next;
  }
  out.authority = dedupe(out.authority);
  return out;
}

/** RFC 4035 §3.1.4.1: a DS query is answered from the parent side of the cut when the server has the parent. */
function pickZone(zones: readonly AuthZone[], qname: Name, qtype: number): AuthZone | undefined {
  let best: AuthZone | undefined;
  for (const z of zones) {
    if (!qname.isSubdomainOf(z.apex)) continue;
    if (qtype === T.DS && qname.equals(z.apex) && zones.some((p) => !p.apex.equals(z.apex) && qname.isStrictSubdomainOf(p.apex))) continue;
    if (!best || z.apex.labelCount > best.apex.labelCount) best = z;
  }
  return best;
}

/** Fills `out` for one name; returns the CNAME/DNAME target to continue with inside the zone. */
function answerName(zone: AuthZone, qname: Name, qtype: number, out: Sections): Name | undefined {
  const cut = cutAbove(zone, qname, qtype);
  if (cut) {
    if (out.answer.length === 0) referral(zone, cut, out);
    return undefined;
  }
  const dname = zone.rrs.find((r) => r.type === T.DNAME && qname.isStrictSubdomainOf(r.name));
  if (dname) {
    const to = new Name([...qname.labels.slice(0, qname.labelCount - dname.name.labelCount), ...target(dname).labels]);
    out.answer.push(dname, ...sigsOf(zone.rrs, dname.name, T.DNAME));
    // RFC 6672 §3.1: the synthesized CNAME carries the DNAME's TTL and no signature.
    out.answer.push({ name: qname, type: T.CNAME, class: dname.class, ttl: dname.ttl, rdata: to.wire });
    return to;
  }
  const atName = zone.rrs.filter((r) => r.name.equals(qname));
  if (atName.length > 0) return exactName(zone, qname, qtype, atName, out);
  if (zone.rrs.some((r) => r.name.isStrictSubdomainOf(qname))) {
    nodata(zone, qname, out); // an empty non-terminal exists and has no data (RFC 8020 §2)
    return undefined;
  }
  return wildcardOrNxdomain(zone, qname, qtype, out);
}

function exactName(zone: AuthZone, qname: Name, qtype: number, atName: RR[], out: Sections): Name | undefined {
  const data = atName.filter((r) => r.type === qtype);
  if (data.length > 0) {
    out.answer.push(...data, ...sigsOf(zone.rrs, qname, qtype));
    return undefined;
  }
  const cname = atName.find((r) => r.type === T.CNAME);
  if (cname && qtype !== T.CNAME) {
    out.answer.push(cname, ...sigsOf(zone.rrs, qname, T.CNAME));
    return target(cname);
  }
  nodata(zone, qname, out);
  return undefined;
}

/** The delegation point above (or at) `qname`, strictly below the apex; DS queries at the cut stay here. */
function cutAbove(zone: AuthZone, qname: Name, qtype: number): Name | undefined {
  let best: Name | undefined;
  for (const r of zone.rrs) {
    if (r.type !== T.NS || !r.name.isStrictSubdomainOf(zone.apex) || !qname.isSubdomainOf(r.name)) continue;
    if (qtype === T.DS && qname.equals(r.name)) continue;
    if (!best || r.name.labelCount < best.labelCount) best = r.name;
  }
  return best;
}

/** RFC 4035 §3.1.4: NS set, then the DS set with RRSIGs, or the proof that there is none; glue in additional. */
function referral(zone: AuthZone, cut: Name, out: Sections): void {
  out.aa = false;
  const ns = zone.rrs.filter((r) => r.type === T.NS && r.name.equals(cut));
  out.authority.push(...ns);
  const ds = zone.rrs.filter((r) => r.type === T.DS && r.name.equals(cut));
  if (ds.length > 0) out.authority.push(...ds, ...sigsOf(zone.rrs, cut, T.DS));
  else if (zone.denial === 'nsec') out.authority.push(...nsecFor(zone.rrs, cut));
  else if (zone.denial === 'nsec3') out.authority.push(...nsec3Proof(zone, cut));
  for (const r of ns) {
    const host = target(r);
    out.additional.push(...zone.rrs.filter((g) => (g.type === T.A || g.type === T.AAAA) && g.name.equals(host)));
  }
}

function soa(zone: AuthZone): RR[] {
  return [...zone.rrs.filter((r) => r.type === T.SOA && r.name.equals(zone.apex)), ...sigsOf(zone.rrs, zone.apex, T.SOA)];
}

function nodata(zone: AuthZone, qname: Name, out: Sections): void {
  out.authority.push(...soa(zone));
  if (zone.denial === 'nsec') out.authority.push(...nsecFor(zone.rrs, qname));
  if (zone.denial === 'nsec3') out.authority.push(...nsec3For(zone.rrs, zone.apex, qname, zone.nsec3));
}

/** The closest encloser: the deepest ancestor of `qname` that exists (has records or descendants). */
function closestEncloser(zone: AuthZone, qname: Name): Name {
  for (let a = qname.parent(); ; a = a.parent()) {
    if (a.equals(zone.apex) || zone.rrs.some((r) => r.name.isSubdomainOf(a))) return a;
  }
}

/** RFC 5155 §7.2.1: closest encloser match plus a cover of the next closer name. */
function nsec3Proof(zone: AuthZone, qname: Name): RR[] {
  const ce = closestEncloser(zone, qname);
  const nextCloser = qname.suffix(ce.labelCount + 1);
  return [...nsec3For(zone.rrs, zone.apex, ce, zone.nsec3), ...nsec3For(zone.rrs, zone.apex, nextCloser, zone.nsec3)];
}

function wildcardOrNxdomain(zone: AuthZone, qname: Name, qtype: number, out: Sections): Name | undefined {
  const ce = closestEncloser(zone, qname);
  const wild = ce.prepend('*');
  const atWild = zone.rrs.filter((r) => r.name.equals(wild));
  if (atWild.length === 0) {
    out.rcode = RCODE.NXDOMAIN;
    out.authority.push(...soa(zone));
    if (zone.denial === 'nsec') out.authority.push(...nsecFor(zone.rrs, qname), ...nsecFor(zone.rrs, wild));
    if (zone.denial === 'nsec3') out.authority.push(...nsec3Proof(zone, qname), ...nsec3For(zone.rrs, zone.apex, wild, zone.nsec3));
    return undefined;
  }
  const data = atWild.filter((r) => r.type === qtype);
  const cname = atWild.find((r) => r.type === T.CNAME);
  const source = data.length > 0 ? qtype : cname && qtype !== T.CNAME ? T.CNAME : undefined;
  if (source === undefined) {
    // Wildcard NODATA (RFC 4035 §3.1.3.4): the wildcard matches but lacks the type, and qname does not exist.
    out.authority.push(...soa(zone));
    if (zone.denial === 'nsec') out.authority.push(...nsecFor(zone.rrs, qname), ...nsecFor(zone.rrs, wild));
    if (zone.denial === 'nsec3') out.authority.push(...nsec3Proof(zone, qname), ...nsec3For(zone.rrs, zone.apex, wild, zone.nsec3));
    return undefined;
  }
  // RFC 4592 §3.3.1 expansion; RFC 4035 §3.1.3.3: plus the proof that qname itself does not exist.
  const expanded = [...atWild.filter((r) => r.type === source), ...zone.rrs.filter((r) => r.type === T.RRSIG && r.name.equals(wild) && covered(r) === source)];
  out.answer.push(...expanded.map((r) => ({ ...r, name: qname })));
  if (zone.denial === 'nsec') out.authority.push(...nsecFor(zone.rrs, qname));
  if (zone.denial === 'nsec3') out.authority.push(...nsec3For(zone.rrs, zone.apex, qname.suffix(ce.labelCount + 1), zone.nsec3));
  return source === T.CNAME ? target(atWild.find((r) => r.type === T.CNAME)!) : undefined;
}

function dedupe(rrs: RR[]): RR[] {
  return rrs.filter((r, i) => rrs.indexOf(r) === i);
}

/** A full reply message for a query message. */
export function replyTo(query: Message, s: Sections): Message {
  const q = query.question[0]!;
  const reply: Message = {
    id: query.id,
    flags: { qr: true, opcode: 0, aa: s.aa, tc: false, rd: query.flags.rd, ra: false, ad: false, cd: query.flags.cd },
    rcode: s.rcode,
    question: [q],
    answer: s.answer,
    authority: s.authority,
    additional: s.additional,
  };
  if (query.edns) reply.edns = { udpSize: 1232, version: 0, do: query.edns.do, options: [] };
  if (!query.edns?.do) {
    const strip = (rrs: RR[]): RR[] => rrs.filter((r) => r.type !== T.RRSIG && r.type !== T.NSEC && r.type !== T.NSEC3);
    reply.answer = strip(reply.answer);
    reply.authority = strip(reply.authority);
  }
  return reply;
}
