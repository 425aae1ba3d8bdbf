/**
 * Authenticating a zone's DNSKEY RRset (RFC 4035 §5.2, and §5.3 for the self-signature) from the parent's
 * validated DS RRset or from configured trust anchors (DS and/or DNSKEY records for the zone).
 *
 * Check ids: ZK00 secure · ZK01 no DS or anchor given · ZK02 no supported DS/anchor (insecure) · ZK03 no DNSKEY
 * matches a DS/anchor · ZK04 DNSKEY RRset not signed by a matching key (verifyRrset's id follows) · ZK05 no
 * DNSKEY RRset · ZK06 matching key is not a zone key · ZK07 every matching key refused by policy (insecure) ·
 * ZKEX unexpected error.
 */
import type { Name } from '../wire/name.js';
import { T, type RR } from '../wire/types.js';
import { bogus, EDE, indeterminate, insecure, secure, type Verdict } from './verdict.js';
import type { ValidationPolicy } from './policy.js';
import type { WorkBudget } from './budget.js';
import { DNSKEY_ZONE, decodeDs, type Ds } from '../wire/dnssec-rdata.js';
import { isSupportedAlgorithm, refusedKeyReason } from './algorithms.js';
import { dsDigest, isSupportedDigest } from './ds.js';
import { keyTag } from './keytag.js';
import { toHex } from '../wire/encoding.js';
import { verifyRrset } from './verify.js';
import { minTtl } from './rrsets.js';

export interface ZoneKeys {
  zone: Name;
  verdict: Verdict;
  /** The zone's DNSKEY RRset when secure (all of it: RFC 4035 §5.2 authenticates the whole RRset); else empty. */
  keys: RR[];
  ttl: number;
}

export interface ZoneKeysInput {
  zone: Name;
  dnskeys: RR[];
  rrsigs: RR[];
  /** The child's DS RRset, already validated by the parent's keys (validateDelegation). */
  ds?: RR[];
  /** Trust anchors for this zone: DS and/or DNSKEY RRs (others are ignored). */
  anchors?: RR[];
  now: number;
  policy: ValidationPolicy;
  budget: WorkBudget;
}

export function validateZoneKeys(i: ZoneKeysInput): ZoneKeys {
  try {
    return authenticate(i);
  } catch (e) {
    return fail(i.zone, bogus(`unexpected error authenticating ${i.zone.toString()} keys: ${String(e)}`, EDE.DNSSEC_BOGUS, 'ZKEX'));
  }
}

function authenticate(i: ZoneKeysInput): ZoneKeys {
  const zone = i.zone;
  const dnskeys = i.dnskeys.filter((k) => k.type === T.DNSKEY && k.name.equals(zone));
  const ownDs = [...(i.ds ?? []), ...(i.anchors ?? [])].filter((r) => r.type === T.DS && r.name.equals(zone));
  const keyAnchors = (i.anchors ?? []).filter((r) => r.type === T.DNSKEY && r.name.equals(zone));
  if (ownDs.length === 0 && keyAnchors.length === 0) {
    // RFC 4035 §4.3: without a trust anchor or DS nothing can be proven about the zone.
    return fail(zone, indeterminate(`no DS or trust anchor for ${zone.toString()}`, EDE.DNSSEC_INDETERMINATE, 'ZK01'));
  }
  const usableDs = preferredDs(ownDs, i.policy);
  const usableAnchors = keyAnchors.filter((k) => k.rdata.length >= 5 && isSupportedAlgorithm(k.rdata[3]!, i.policy));
  if (usableDs.length === 0 && usableAnchors.length === 0) return fail(zone, unsupportedVerdict(zone, ownDs, keyAnchors, i.policy));
  if (dnskeys.length === 0) return fail(zone, bogus(`no DNSKEY RRset for ${zone.toString()}`, EDE.DNSKEY_MISSING, 'ZK05'));
  const dsKeys = dsMatchedKeys(dnskeys, usableDs);
  const matched = dnskeys.filter((k) => dsKeys.has(k) || usableAnchors.some((a) => bytesEqual(a.rdata, k.rdata)));
  if (matched.length === 0) {
    return fail(zone, bogus(`no DNSKEY of ${zone.toString()} matches its ${usableDs.length} supported DS/anchor record(s)`, EDE.DNSKEY_MISSING, 'ZK03'));
  }
  // RFC 4034 §2.1.1: a key without the Zone Key bit MUST NOT be used to verify RRSIGs.
  const zoneKeys = matched.filter((k) => (((k.rdata[0]! << 8) | k.rdata[1]!) & DNSKEY_ZONE) !== 0);
  if (zoneKeys.length === 0) {
    return fail(zone, bogus(`the DNSKEY matching the DS of ${zone.toString()} lacks the Zone Key bit`, EDE.NO_ZONE_KEY_BIT_SET, 'ZK06'));
  }
  // A key the DS vouches for but we refuse to use (an RSA exponent above MAX_RSA_EXPONENT_BITS) counts as one of an
  // unsupported algorithm: with no other, there is no supported authentication path, so insecure (RFC 4035 §5.2,
  // as Unbound does for unsupported key sizes). Only the zone's owner can make the DS match such a key (its
  // digest covers the key), so this grants an on-path attacker nothing an unsupported algorithm does not.
  const usableKeys = zoneKeys.filter((k) => refusedKeyReason(k.rdata) === undefined);
  if (usableKeys.length === 0) {
    const why = refusedKeyReason(zoneKeys[0]!.rdata)!;
    return fail(zone, insecure(`every DNSKEY of ${zone.toString()} matching its DS/anchor is refused: ${why}`, EDE.UNSUPPORTED_DNSKEY_ALGORITHM, 'ZK07'));
  }
  // RFC 4035 §5.2: the DNSKEY RRset must be signed by a key the DS (or anchor) points to; SEP bit not required.
  const sigs = i.rrsigs.filter((s) => s.type === T.RRSIG && s.name.equals(zone));
  const v = verifyRrset({ rrset: dnskeys, rrsigs: sigs, dnskeys: usableKeys, now: i.now, policy: i.policy, budget: i.budget });
  if (v.status !== 'secure') {
    // A supported DS/anchor vouches for a supported key, so signatures we cannot check (verifyRrset: insecure)
    // must not downgrade the zone: bogus (RFC 4035 §5.2 requires the DNSKEY RRset signed by that key).
    const status = v.status === 'insecure' ? 'bogus' : v.status;
    // No signature by a DS-matched key: the DS points at no DNSKEY that vouches for the set (RFC 8914 §4.10).
    const ede = v.id === 'V011' ? EDE.DNSKEY_MISSING : v.ede;
    return fail(zone, { ...v, status, ede, reason: `DNSKEY RRset of ${zone.toString()} is not self-signed by a DS-matched key: ${v.reason}` });
  }
  return {
    zone,
    verdict: secure(`DNSKEY RRset of ${zone.toString()} authenticated by key ${v.keyTag ?? '?'}`, 'ZK00'),
    keys: dnskeys,
    ttl: Math.min(v.ttl ?? Infinity, minTtl(dnskeys)),
  };
}

/**
 * The DNSKEYs some DS names (RFC 4035 §5.2: owner, key tag, algorithm and digest agree). Each key's digest is
 * computed at most once per digest type in the DS set, never once per DS × DNSKEY pair: a DS RRset and a DNSKEY
 * RRset sharing one key tag would otherwise cost |DS| × |DNSKEY| digests (the KeyTrap paper's HashTrap,
 * CVE-2023-50387; about 180 000 SHA-256 runs for 600 × 600). `usableDs` are decodable DS of this zone.
 */
function dsMatchedKeys(dnskeys: readonly RR[], usableDs: readonly RR[]): Set<RR> {
  const wanted = new Set<string>();
  const typesByKey = new Map<string, Set<number>>();
  for (const rr of usableDs) {
    const ds = decodeDs(rr.rdata);
    const id = `${rr.class}/${ds.keyTag}/${ds.algorithm}`;
    wanted.add(`${id}/${ds.digestType}/${toHex(ds.digest)}`);
    const types = typesByKey.get(id) ?? new Set<number>();
    types.add(ds.digestType);
    typesByKey.set(id, types);
  }
  const out = new Set<RR>();
  for (const k of dnskeys) {
    if (k.rdata.length < 5) continue;
    const id = `${k.class}/${keyTag(k.rdata)}/${k.rdata[3]!}`;
    for (const type of typesByKey.get(id) ?? []) {
      const digest = dsDigest(k.name, k.rdata, type);
      if (digest !== undefined && wanted.has(`${id}/${type}/${toHex(digest)}`)) { out.add(k); break; }
    }
  }
  return out;
}

/**
 * DS records that count: supported digest and algorithm (RFC 4035 §5.2, RFC 6840 §5.2). RFC 4509 §3: "Validator
 * implementations SHOULD ignore DS RRs containing SHA-1 digests if DS RRs with SHA-256 digests are present in
 * the DS RRset" — applied to the whole RRset as the RFC says (and as Unbound does), so a SHA-1 DS cannot be
 * used to downgrade around a SHA-256 one.
 */
function preferredDs(dsSet: readonly RR[], policy: ValidationPolicy): RR[] {
  const parsed: Array<{ rr: RR; ds: Ds }> = [];
  for (const rr of dsSet) {
    try {
      const ds = decodeDs(rr.rdata);
      if (isSupportedDigest(ds.digestType, policy) && isSupportedAlgorithm(ds.algorithm, policy)) parsed.push({ rr, ds });
    } catch {
      // Malformed DS RDATA: not usable.
    }
  }
  const strong = parsed.some((p) => p.ds.digestType !== 1);
  return parsed.filter((p) => !strong || p.ds.digestType !== 1).map((p) => p.rr);
}

/** RFC 4035 §5.2 / RFC 6840 §5.2: no usable DS or anchor means no authentication path: insecure, not bogus. */
function unsupportedVerdict(zone: Name, dsSet: readonly RR[], keyAnchors: readonly RR[], policy: ValidationPolicy): Verdict {
  let digestOk = keyAnchors.length > 0;
  for (const rr of dsSet) {
    try {
      if (isSupportedDigest(decodeDs(rr.rdata).digestType, policy)) digestOk = true;
    } catch {
      // ignored
    }
  }
  const ede = digestOk ? EDE.UNSUPPORTED_DNSKEY_ALGORITHM : EDE.UNSUPPORTED_DS_DIGEST_TYPE;
  const what = digestOk ? 'algorithm' : 'digest type';
  return insecure(`no DS/anchor of ${zone.toString()} uses a supported ${what}`, ede, 'ZK02');
}

function fail(zone: Name, verdict: Verdict): ZoneKeys {
  return { zone, verdict, keys: [], ttl: 0 };
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
