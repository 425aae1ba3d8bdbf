/**
 * RRset verification (RFC 4035 §5.3): does at least one RRSIG over this RRset verify with one of the already
 * trusted DNSKEYs of the signer zone? Pure: the clock is `now`, work is bounded by a WorkBudget, and the answer
 * is a Verdict value with an EDE code (RFC 8914) and a stable check id, never an exception.
 *
 * Check ids: V001 empty RRset · V002 mixed RRset · V003 no RRSIG · V004 malformed RRSIG · V005 signer not an
 * ancestor of the owner · V006 labels field too large · V007 unsupported algorithm · V008 window inverted ·
 * V009 expired · V010 not yet valid · V011 no DNSKEY of signer/tag/algorithm · V012 key lacks Zone Key bit ·
 * V013 key revoked · V014 signature did not verify · V015 work budget spent · V016 malformed RDATA in the
 * RRset · V017 only keys refused by policy (RSA exponent above MAX_RSA_EXPONENT_BITS) · V018 more than
 * MAX_CHECKS_PER_RRSET signature checks for one RRset · V100 secure.
 */
import type { Name } from '../wire/name.js';
import { T, type RR } from '../wire/types.js';
import { WireError } from '../wire/errors.js';
import { DNSKEY_REVOKE, DNSKEY_ZONE } from '../wire/dnssec-rdata.js';
import { EDE, bogus, insecure, type Verdict } from './verdict.js';
import { DEFAULT_POLICY, type ValidationPolicy } from './policy.js';
import { WorkBudget } from './budget.js';
import { isSupportedAlgorithm, MAX_RSA_EXPONENT_BITS, refusedKeyReason, verifyWithDnskey } from './algorithms.js';
import { keyTag } from './keytag.js';
import {
  buildSignedData, ownerWithinSigner, prepareRrset, readRrsigHeader, signedOwnerWire, wireEqualsAt, type CanonicalRrset, type RrsigHeader,
} from './signed-data.js';
import { cappedTtl, validityState } from './validity.js';

export interface VerifyInput {
  rrset: RR[];
  rrsigs: RR[];
  dnskeys: RR[];
  /** Unix seconds. */
  now: number;
  policy?: ValidationPolicy;
  budget?: WorkBudget;
}

export interface VerifyResult extends Verdict {
  /** Secure only: TTL capped per RFC 4035 §5.3.3 (RRset TTL, RRSIG TTL, Original TTL, expiration − now). */
  ttl?: number;
  /** Secure only: key tag of the DNSKEY that verified. */
  keyTag?: number;
  /** Secure only: the signer (zone) name from the RRSIG that verified. */
  signer?: Name;
  /**
   * Secure only, set when the RRSIG labels field is below the owner's label count (RFC 4035 §5.3.4): the RRset
   * was synthesised from this wildcard (`*.<closest encloser>`). The caller MUST then prove that the exact
   * name does not exist (RFC 4035 §5.3.4, RFC 5155 §8.8) before trusting the answer.
   */
  wildcard?: Name;
}

/** Why one RRSIG did not lead to a secure verdict; ordered from most to least telling (first present wins). */
type Failure =
  | 'crypto' | 'malformed' | 'bad-rdata' | 'signer' | 'labels' | 'no-key' | 'no-zone-bit' | 'revoked' | 'refused-key'
  | 'inverted' | 'expired' | 'not-yet-valid' | 'unsupported';

const MAX_RSA_EXPONENT_BITS_TEXT = String(MAX_RSA_EXPONENT_BITS);

const FAILURE_VERDICT: Record<Failure, { ede: number; id: string; text: string }> = {
  crypto: { ede: EDE.DNSSEC_BOGUS, id: 'V014', text: 'signature did not verify' },
  malformed: { ede: EDE.DNSSEC_BOGUS, id: 'V004', text: 'malformed RRSIG RDATA' },
  'bad-rdata': { ede: EDE.DNSSEC_BOGUS, id: 'V016', text: 'RRset RDATA cannot be put in canonical form (bad embedded name)' },
  signer: { ede: EDE.DNSSEC_BOGUS, id: 'V005', text: 'signer is not the owner or an ancestor of it (RFC 4035 §5.3.1)' },
  labels: { ede: EDE.DNSSEC_BOGUS, id: 'V006', text: 'RRSIG labels field exceeds the owner label count (RFC 4035 §5.3.2)' },
  // RFC 8914 §4.10 reserves DNSKEY Missing for a DS with no matching DNSKEY; an RRSIG naming a key absent from a
  // trusted DNSKEY set is plain DNSSEC Bogus (§4.7).
  'no-key': { ede: EDE.DNSSEC_BOGUS, id: 'V011', text: 'no trusted DNSKEY matches signer, algorithm and key tag' },
  'no-zone-bit': { ede: EDE.NO_ZONE_KEY_BIT_SET, id: 'V012', text: 'matching DNSKEY lacks the Zone Key bit (RFC 4034 §2.1.1)' },
  revoked: { ede: EDE.DNSSEC_BOGUS, id: 'V013', text: 'matching DNSKEY is revoked (RFC 5011 §2.1)' },
  // The zone's DNSKEY RRset was authenticated by a key we use, so the zone is signed: data whose only signatures
  // need a key we refuse to use is not proven (bogus), with EDE 1 saying why (RFC 8914 §4.2).
  'refused-key': { ede: EDE.UNSUPPORTED_DNSKEY_ALGORITHM, id: 'V017', text: `only keys refused by policy match (RSA exponent above ${MAX_RSA_EXPONENT_BITS_TEXT} bits)` },
  inverted: { ede: EDE.SIGNATURE_EXPIRED_BEFORE_VALID, id: 'V008', text: 'signature expires before its inception' },
  expired: { ede: EDE.SIGNATURE_EXPIRED, id: 'V009', text: 'signature expired' },
  'not-yet-valid': { ede: EDE.SIGNATURE_NOT_YET_VALID, id: 'V010', text: 'signature not yet valid' },
  unsupported: { ede: EDE.UNSUPPORTED_DNSKEY_ALGORITHM, id: 'V007', text: 'only signatures by unsupported algorithms' },
};
const FAILURE_ORDER = Object.keys(FAILURE_VERDICT) as Failure[];

/**
 * Signature checks tried for one RRset before it is given up as bogus (KeyTrap, CVE-2023-50387): Unbound's
 * MAX_VALIDATE_RRSIGS (1.19.1), the figure dnsjava and Akamai chose too. Deliberately short of RFC 4035 §5.3.1,
 * which would try every RRSIG with every matching key: honest RRsets verify within one or two (an algorithm
 * rollover signs twice; a key-tag collision between a zone's own keys is rare), while colliding keys × forged
 * signatures would each cost a check. The request-wide budget (maxSignatureChecks) still bounds the total.
 */
export const MAX_CHECKS_PER_RRSET = 8;

/** Per-call state shared by all candidate signatures: the canonical RRset is built once, on first need. */
interface Context {
  input: VerifyInput;
  policy: ValidationPolicy;
  budget: WorkBudget;
  owner: Name;
  canonical: CanonicalRrset | undefined;
  /** Signature checks spent on this RRset (MAX_CHECKS_PER_RRSET). */
  checks: number;
}

export function verifyRrset(input: VerifyInput): VerifyResult {
  const first = input.rrset[0];
  if (first === undefined) return bogus('empty RRset given to verifyRrset', EDE.OTHER, 'V001');
  for (const rr of input.rrset) {
    if (rr.type !== first.type || rr.class !== first.class || !rr.name.equals(first.name)) {
      return bogus(`records of ${first.name.toString()} do not form one RRset (owner, type and class must agree)`, EDE.OTHER, 'V002');
    }
  }
  const ctx: Context = {
    input, policy: input.policy ?? DEFAULT_POLICY, budget: input.budget ?? new WorkBudget(), owner: first.name, canonical: undefined, checks: 0,
  };
  const sigs = input.rrsigs.filter((s) => s.type === T.RRSIG && s.class === first.class && s.name.equals(first.name) && coversType(s, first.type));
  if (sigs.length === 0) return bogus(`no RRSIG covers ${describe(first)}`, EDE.RRSIGS_MISSING, 'V003');
  const failures: Failure[] = [];
  for (const sigRr of sigs) {
    const outcome = trySignature(ctx, sigRr);
    if (typeof outcome !== 'string') return outcome;
    failures.push(outcome);
  }
  return failureVerdict(failures, first, sigs.length);
}

/** RRSIG type covered sits in the first two RDATA octets (RFC 4034 §3.1.1); read it without a full decode. */
function coversType(sig: RR, type: number): boolean {
  return sig.rdata.length >= 2 && ((sig.rdata[0]! << 8) | sig.rdata[1]!) === type;
}

function describe(rr: RR): string {
  return `${rr.name.toString()} type ${rr.type}`;
}

/** Checks one RRSIG (RFC 4035 §5.3.1) and tries its candidate keys; a secure/budget verdict, or why it failed. */
function trySignature(ctx: Context, sigRr: RR): VerifyResult | Failure {
  const sig = readRrsigHeader(sigRr.rdata);
  if (sig === undefined) return 'malformed';
  // RFC 4035 §5.3.1: "The RRSIG RR's Signer's Name field MUST be the name of the zone that contains the RRset."
  if (!ownerWithinSigner(ctx.owner.wire, ctx.owner.labelCount, sigRr.rdata, sig)) return 'signer';
  // RFC 4035 §5.3.1: "The number of labels in the RRset owner name MUST be greater than or equal to the value
  // in the RRSIG RR's Labels field."
  if (sig.labels > ctx.owner.labelCount) return 'labels';
  if (!isSupportedAlgorithm(sig.algorithm, ctx.policy)) return 'unsupported';
  const window = validityState(sig.inception, sig.expiration, ctx.input.now, ctx.policy.clockSkewSeconds);
  if (window !== 'valid') return window;
  const keys = candidateKeys(ctx, sigRr.rdata, sig);
  if (typeof keys === 'string') return keys;
  return tryKeys(ctx, sigRr, sig, keys);
}

/**
 * DNSKEYs that may have made this signature (RFC 4035 §5.3.1): owned by the signer, same algorithm and key tag,
 * protocol 3, Zone Key bit set (RFC 4034 §2.1.1), not revoked (RFC 5011 §2.1). Key-tag collisions give several.
 */
function candidateKeys(ctx: Context, sigRdata: Uint8Array, sig: RrsigHeader): RR[] | Failure {
  const keys: RR[] = [];
  let sawNoZoneBit = false;
  let sawRevoked = false;
  let sawRefused = false;
  for (const k of ctx.input.dnskeys) {
    const r = k.rdata;
    if (k.type !== T.DNSKEY || r.length < 5 || r[2] !== 3 || r[3] !== sig.algorithm || keyTag(r) !== sig.keyTag) continue;
    if (!wireEqualsAt(k.name.wire, 0, sigRdata, 18, sig.headerLength)) continue;
    const flags = (r[0]! << 8) | r[1]!;
    if ((flags & DNSKEY_ZONE) === 0) { sawNoZoneBit = true; continue; }
    if ((flags & DNSKEY_REVOKE) !== 0) { sawRevoked = true; continue; }
    // Never tried, so it spends no signature check (MAX_RSA_EXPONENT_BITS in algorithms.ts says why).
    if (refusedKeyReason(r) !== undefined) { sawRefused = true; continue; }
    keys.push(k);
  }
  if (keys.length > 0) return keys;
  if (sawRefused) return 'refused-key';
  if (sawNoZoneBit) return 'no-zone-bit';
  if (sawRevoked) return 'revoked';
  return 'no-key';
}

function tryKeys(ctx: Context, sigRr: RR, sig: RrsigHeader, keys: RR[]): VerifyResult | Failure {
  let data: Uint8Array;
  try {
    ctx.canonical ??= prepareRrset(ctx.input.rrset);
    const ownerWire = signedOwnerWire(ctx.canonical, sig.labels);
    if (ownerWire === undefined) return 'labels';
    // The scratch buffer is safe: verifyWithDnskey is synchronous and nothing else runs in between.
    data = buildSignedData(sigRr.rdata, sig.headerLength, ctx.canonical, ownerWire, true);
  } catch (e) {
    if (e instanceof WireError) return 'bad-rdata';
    throw e;
  }
  for (const key of keys) {
    if (ctx.checks >= MAX_CHECKS_PER_RRSET) {
      return bogus(`more than ${MAX_CHECKS_PER_RRSET} signature checks for ${ctx.owner.toString()} (MAX_CHECKS_PER_RRSET, KeyTrap)`, EDE.DNSSEC_BOGUS, 'V018');
    }
    ctx.checks++;
    if (!ctx.budget.takeSignatureCheck()) {
      const limit = ctx.budget.limits.maxSignatureChecks;
      return bogus(`signature check budget spent (maxSignatureChecks = ${limit}) verifying ${ctx.owner.toString()}`, EDE.DNSSEC_BOGUS, 'V015');
    }
    if (verifyWithDnskey(key.rdata, data, sig.signature)) return secureResult(ctx, sigRr, sig, key.name);
  }
  return 'crypto';
}

/** `signer` is the verifying DNSKEY's owner: the RRSIG signer name, equal under DNS comparison. */
function secureResult(ctx: Context, sigRr: RR, sig: RrsigHeader, signer: Name): VerifyResult {
  // RFC 4035 §5.3.3: no greater than the RRset's TTL, the RRSIG RR's TTL, the Original TTL, and expiration − now.
  let minTtl = sigRr.ttl;
  for (const rr of ctx.input.rrset) if (rr.ttl < minTtl) minTtl = rr.ttl;
  // The reason is built from numbers only: formatting names costs about as much as the rest of this path.
  const result: VerifyResult = {
    status: 'secure',
    reason: `RRSIG by key ${sig.keyTag} (algorithm ${sig.algorithm}) verified`,
    id: 'V100',
    ttl: cappedTtl(minTtl, sig.originalTtl, sig.expiration, ctx.input.now),
    keyTag: sig.keyTag,
    signer,
  };
  // RFC 4035 §5.3.2 / RFC 4034 §3.1.3: the labels field does not count a leading '*', so an owner that is
  // itself a literal wildcard is not an expansion.
  const ownLabels = ctx.owner.labelCount - (ctx.owner.isWildcard ? 1 : 0);
  if (sig.labels < ownLabels) result.wildcard = ctx.owner.suffix(sig.labels).prepend('*');
  return result;
}

function failureVerdict(failures: Failure[], first: RR, count: number): VerifyResult {
  const worst = FAILURE_ORDER.find((f) => failures.includes(f)) ?? 'crypto';
  const v = FAILURE_VERDICT[worst];
  const seen = FAILURE_ORDER.filter((f) => failures.includes(f)).join(', ');
  const reason = `${describe(first)}: ${v.text} (${count} RRSIG${count === 1 ? '' : 's'} tried: ${seen})`;
  // RFC 4035 §5.2 / RFC 6840 §5.2: signatures we cannot check at all make the data insecure, not bogus.
  if (worst === 'unsupported') return insecure(reason, v.ede, v.id);
  return bogus(reason, v.ede, v.id);
}
