/**
 * Validating a response from the servers of ONE zone whose DNSKEY RRset is authenticated (RFC 4035 §5.3–§5.4):
 * the answer RRset, each CNAME and DNAME link of the chain inside the zone, wildcard expansions (with the proof
 * that the exact name does not exist), and NODATA / NXDOMAIN denial. Data of other zones in the response is
 * ignored: the chain stops at the first name outside the zone and `next` tells the driver where to go.
 *
 * Check ids: RS00 secure · RS01 CNAME/DNAME chain too long · RS02 synthesised CNAME does not match the DNAME ·
 * RS03 DNAME substitution overflows (RFC 6672 §2.2) · RS04 NXDOMAIN with a positive answer · RS05 unexpected
 * rcode · RS06 SOA in authority did not verify · RS07 qname not in the zone · RS08 (set by the driver) a chain that
 * leads on in a reply classified as final · RS09 an RRSIG answer (insecure: RRSIGs are not signed) · RSEX
 * unexpected error. Denial ids come from nsec.ts/nsec3.ts/denial.ts.
 */
import { Name } from '../wire/name.js';
import { CLASS_IN, RCODE, T, type RR } from '../wire/types.js';
import { decodeSoa, decodeTargetName } from '../wire/rdata.js';
import { bogus, EDE, indeterminate, insecure, secure, type Verdict } from './verdict.js';
import type { ValidationPolicy } from './policy.js';
import type { WorkBudget } from './budget.js';
import type { ZoneKeys } from './zone-keys.js';
import { flatten, groupRrsets, minTtl, verifyGroup, worstOf, type RrsetGroup, type VerifyContext } from './rrsets.js';
import { collectDenial, proveDenial, type DenialGoal, type DenialSet } from './denial.js';

export interface ValidatedResponse {
  verdict: Verdict;
  kind: 'answer' | 'cname' | 'nodata' | 'nxdomain';
  /** Validated RRsets and their RRSIGs in chain order (CNAME/DNAME links first, synthesised CNAMEs included). */
  answer: RR[];
  /** SOA and the denial RRs used, with RRSIGs. */
  authority: RR[];
  /** A CNAME/DNAME target not answered within this zone: the driver resolves it next. */
  next?: Name;
  ttl: number;
}

export interface ResponseInput {
  qname: Name;
  qtype: number;
  rcode: number;
  answer: RR[];
  authority: RR[];
  keys: ZoneKeys;
  now: number;
  policy: ValidationPolicy;
  budget: WorkBudget;
}

/** Links followed inside one response; the driver's maxCnameChain bounds the whole resolution. */
const MAX_LINKS = 16;

/** Working state of one validation. */
interface Walk {
  input: ResponseInput;
  ctx: VerifyContext;
  answerGroups: RrsetGroup[];
  authorityGroups: RrsetGroup[];
  denial: DenialSet | undefined;
  answer: RR[];
  authority: RR[];
  verdicts: Verdict[];
  ttl: number;
  /** Set when the walk must stop with a failure verdict. */
  failed?: Verdict;
}

export function validateResponse(i: ResponseInput): ValidatedResponse {
  try {
    if (i.keys.verdict.status !== 'secure') return unvalidated(i);
    return walk(i);
  } catch (e) {
    const verdict = bogus(`unexpected error validating ${i.qname.toString()}: ${String(e)}`, EDE.DNSSEC_BOGUS, 'RSEX');
    return { verdict, kind: i.rcode === RCODE.NXDOMAIN ? 'nxdomain' : 'nodata', answer: [], authority: [], ttl: 0 };
  }
}

/** Keys not secure: nothing to check, the zone's verdict (insecure, bogus, indeterminate) is the answer's. */
function unvalidated(i: ResponseInput): ValidatedResponse {
  const hasAnswer = i.answer.some((r) => r.name.equals(i.qname) && (r.type === i.qtype || i.qtype === T.ANY));
  const hasCname = i.answer.some((r) => r.type === T.CNAME || r.type === T.DNAME);
  const kind = hasAnswer ? 'answer' : i.rcode === RCODE.NXDOMAIN ? 'nxdomain' : hasCname ? 'cname' : 'nodata';
  return { verdict: i.keys.verdict, kind, answer: i.answer, authority: i.authority, ttl: minTtl([...i.answer, ...i.authority]) };
}

function walk(i: ResponseInput): ValidatedResponse {
  const zone = i.keys.zone;
  const w: Walk = {
    input: i,
    ctx: { zone, keys: i.keys.keys, now: i.now, policy: i.policy, budget: i.budget },
    answerGroups: groupRrsets(i.answer),
    authorityGroups: groupRrsets(i.authority),
    denial: undefined,
    answer: [],
    authority: [],
    verdicts: [],
    ttl: Infinity,
  };
  if (!i.qname.isSubdomainOf(zone)) {
    return fail(w, indeterminate(`${i.qname.toString()} is not in zone ${zone.toString()}`, EDE.DNSSEC_INDETERMINATE, 'RS07'), 'nodata');
  }
  const seen = new Set<string>();
  let sname = i.qname;
  for (let links = 0; ; links++) {
    if (!sname.isSubdomainOf(zone) || seen.has(sname.key)) return finish(w, 'cname', sname);
    if (links > MAX_LINKS) return fail(w, bogus(`more than ${MAX_LINKS} CNAME/DNAME links in one response`, EDE.DNSSEC_BOGUS, 'RS01'));
    seen.add(sname.key);
    const sigs = i.qtype === T.RRSIG ? i.answer.filter((r) => r.type === T.RRSIG && r.name.equals(sname)) : [];
    if (sigs.length > 0) {
      // RFC 4035 §2.2: RRSIG records are not themselves signed, so an answer of RRSIGs can never be proven:
      // handed out as insecure (no AD), as Unbound and Knot Resolver do.
      w.answer.push(...sigs);
      return { verdict: insecure(`RRSIG records at ${sname.toString()} are not signed (RFC 4035 §2.2)`, undefined, 'RS09'), kind: 'answer', answer: w.answer, authority: [], ttl: minTtl(sigs) };
    }
    if (i.qtype === T.CNAME) {
      // RFC 6672 §3.2: a CNAME question under a DNAME is answered by the signed DNAME and the CNAME synthesised
      // from it (unsigned, checked against the substitution), not by validating that CNAME on its own.
      const viaDname = followDname(w, sname);
      if (viaDname === 'failed') return fail(w);
      if (viaDname !== undefined) return finish(w, 'answer');
    }
    const direct = answerSetsAt(w, sname, i.qtype);
    if (direct.length > 0) {
      if (i.rcode === RCODE.NXDOMAIN) return fail(w, bogus(`NXDOMAIN for ${sname.toString()} with data for it`, EDE.DNSSEC_BOGUS, 'RS04'));
      for (const g of direct) if (!accept(w, g, sname)) return fail(w);
      return finish(w, 'answer');
    }
    const step = followDname(w, sname) ?? followCname(w, sname);
    if (step === 'failed') return fail(w);
    if (step === undefined) break;
    sname = step;
  }
  return negative(w, sname);
}

/** RRsets that answer (sname, qtype) directly; for ANY every RRset at sname. */
function answerSetsAt(w: Walk, sname: Name, qtype: number): RrsetGroup[] {
  return w.answerGroups.filter((g) => g.name.equals(sname) && (g.type === qtype || (qtype === T.ANY && g.type !== T.RRSIG)));
}

/**
 * Verifies a group and, when it was synthesised from a wildcard, proves that `sname` itself does not exist
 * (RFC 4035 §5.3.4; RFC 5155 §8.8). Records the parts on success; sets w.failed otherwise.
 */
function accept(w: Walk, group: RrsetGroup, sname: Name): boolean {
  const v = verifyGroup(w.ctx, group);
  if (v.status !== 'secure') { w.failed = v; return false; }
  w.ttl = Math.min(w.ttl, v.ttl ?? minTtl(group.rrs));
  w.verdicts.push(v);
  if (v.wildcard !== undefined) {
    const wildcardParent = v.wildcard.isWildcard ? v.wildcard.parent() : v.wildcard;
    if (!prove(w, { kind: 'wildcard', qname: sname, wildcardParent })) return false;
  }
  w.answer.push(...flatten(group));
  return true;
}

/** Runs a denial proof over the authority section; records its records and verdict, or sets w.failed. */
function prove(w: Walk, goal: DenialGoal): boolean {
  w.denial ??= collectDenial(w.ctx, w.authorityGroups);
  const p = proveDenial(w.denial, goal);
  if (p.verdict.status === 'bogus' || p.verdict.status === 'indeterminate') { w.failed = p.verdict; return false; }
  w.verdicts.push(p.verdict);
  for (const g of p.used) if (!w.authority.includes(g.rrs[0]!)) w.authority.push(...flatten(g));
  if (p.used.length > 0) w.ttl = Math.min(w.ttl, w.denial.ttl);
  return true;
}

/**
 * RFC 6672 §5.3.1: a DNAME at an ancestor of sname (inside this zone) redirects it; the CNAME a server
 * synthesises is unsigned, so it is checked against the substitution (or made here when absent).
 */
function followDname(w: Walk, sname: Name): Name | 'failed' | undefined {
  const dname = w.answerGroups
    .filter((g) => g.type === T.DNAME && sname.isStrictSubdomainOf(g.name) && g.name.isSubdomainOf(w.ctx.zone))
    .sort((a, b) => b.name.labelCount - a.name.labelCount)[0];
  if (!dname || dname.rrs.length !== 1) return undefined;
  if (!accept(w, dname, dname.name)) return 'failed';
  let target: Name;
  try {
    const substitute = decodeTargetName(dname.rrs[0]!.rdata);
    target = new Name([...sname.labels.slice(0, sname.labelCount - dname.name.labelCount), ...substitute.labels]);
  } catch {
    w.failed = bogus(`DNAME substitution of ${sname.toString()} is not a valid name`, EDE.DNSSEC_BOGUS, 'RS03');
    return 'failed';
  }
  const given = w.answerGroups.find((g) => g.type === T.CNAME && g.name.equals(sname));
  if (given) {
    const targets = given.rrs.map((r) => safeTarget(r));
    if (given.rrs.length !== 1 || !targets[0]?.equals(target)) {
      w.failed = bogus(`CNAME at ${sname.toString()} does not match the DNAME substitution ${target.toString()}`, EDE.DNSSEC_BOGUS, 'RS02');
      return 'failed';
    }
    w.answer.push(...given.rrs);
  } else {
    w.answer.push({ name: sname, type: T.CNAME, class: CLASS_IN, ttl: dname.rrs[0]!.ttl, rdata: target.wire });
  }
  return target;
}

function followCname(w: Walk, sname: Name): Name | 'failed' | undefined {
  const cname = w.answerGroups.find((g) => g.type === T.CNAME && g.name.equals(sname));
  if (!cname) return undefined;
  // RFC 2181 §10.1: one CNAME per name; more is not a chain we can follow.
  const target = cname.rrs.length === 1 ? safeTarget(cname.rrs[0]!) : undefined;
  if (!target) {
    w.failed = bogus(`CNAME RRset at ${sname.toString()} is malformed`, EDE.DNSSEC_BOGUS, 'RS02');
    return 'failed';
  }
  return accept(w, cname, sname) ? target : 'failed';
}

function safeTarget(rr: RR): Name | undefined {
  try {
    return decodeTargetName(rr.rdata);
  } catch {
    return undefined;
  }
}

/** The chain ended inside the zone without data: NXDOMAIN or NODATA for the last name (RFC 6604 §3). */
function negative(w: Walk, sname: Name): ValidatedResponse {
  const i = w.input;
  const chained = !sname.equals(i.qname);
  const hasDenialData = w.authorityGroups.some((g) => g.type === T.SOA || g.type === T.NSEC || g.type === T.NSEC3);
  // A server may stop at a CNAME whose target it does not serve from this zone's data (e.g. below a cut): with
  // NOERROR the target is resolved on its own. An NXDOMAIN claims the target does not exist: that claim is proven
  // below like any other, never taken from the rcode (RFC 4035 §5.4, RFC 6604 §3).
  if (chained && !hasDenialData && i.rcode === RCODE.NOERROR) return finish(w, 'cname', sname);
  if (i.rcode !== RCODE.NOERROR && i.rcode !== RCODE.NXDOMAIN) {
    return fail(w, indeterminate(`rcode ${i.rcode} is not an answer to validate`, EDE.DNSSEC_INDETERMINATE, 'RS05'), 'nodata');
  }
  if (!acceptSoa(w)) return fail(w, undefined, i.rcode === RCODE.NXDOMAIN ? 'nxdomain' : 'nodata');
  if (i.rcode === RCODE.NXDOMAIN) {
    return prove(w, { kind: 'nxdomain', qname: sname }) ? finish(w, 'nxdomain') : fail(w, undefined, 'nxdomain');
  }
  return prove(w, { kind: 'nodata', qname: sname, qtype: i.qtype }) ? finish(w, 'nodata') : fail(w, undefined, 'nodata');
}

/**
 * The apex SOA of a negative answer is verified when present; its TTL and MINIMUM bound the negative TTL
 * (RFC 2308 §5, RFC 9077 §3). Absence is not a DNSSEC failure: the denial proof decides.
 */
function acceptSoa(w: Walk): boolean {
  const soa = w.authorityGroups.find((g) => g.type === T.SOA && g.name.equals(w.ctx.zone));
  if (!soa) return true;
  const v = verifyGroup(w.ctx, soa);
  if (v.status !== 'secure') {
    w.failed = { ...v, reason: `SOA of ${w.ctx.zone.toString()} in a negative answer: ${v.reason}`, id: v.id ?? 'RS06' };
    return false;
  }
  let minimum = Infinity;
  try { minimum = decodeSoa(soa.rrs[0]!.rdata).minimum; } catch { /* the TTL alone bounds it */ }
  w.ttl = Math.min(w.ttl, v.ttl ?? minTtl(soa.rrs), minimum);
  w.authority.push(...flatten(soa));
  return true;
}

function finish(w: Walk, kind: ValidatedResponse['kind'], next?: Name): ValidatedResponse {
  const worst = worstOf(w.verdicts);
  const verdict = worst === undefined || worst.status === 'secure'
    ? secure(`${kindText(kind)} for ${w.input.qname.toString()} validated in ${w.ctx.zone.toString()}`, 'RS00')
    : worst;
  const out: ValidatedResponse = { verdict, kind, answer: w.answer, authority: w.authority, ttl: w.ttl === Infinity ? 0 : w.ttl };
  if (next !== undefined) out.next = next;
  return out;
}

function fail(w: Walk, verdict?: Verdict, kind?: ValidatedResponse['kind']): ValidatedResponse {
  const v = verdict ?? w.failed ?? bogus('validation failed', EDE.DNSSEC_BOGUS, 'RSEX');
  const k = kind ?? (w.input.rcode === RCODE.NXDOMAIN ? 'nxdomain' : 'answer');
  return { verdict: v, kind: k, answer: w.answer, authority: w.authority, ttl: 0 };
}

function kindText(kind: ValidatedResponse['kind']): string {
  return { answer: 'answer', cname: 'CNAME/DNAME chain', nodata: 'NODATA', nxdomain: 'NXDOMAIN' }[kind];
}
