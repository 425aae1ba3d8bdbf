/**
 * Small signed zones for the validator tests, made with the independent test signer (test/support/signer.ts).
 *
 *   example.            SOA NS, signed (KSK Ed25519 257 + ZSK Ed25519 256), NSEC or NSEC3
 *     www               A, TLSA at _443._tcp.www
 *     a.b               TXT (b.example is an empty non-terminal)
 *     *.wild            A (wild.example is an empty non-terminal)
 *     alias             CNAME www.example.        outside  CNAME www.other.test.
 *     dn                DNAME tgt.example.        x.tgt    A
 *     secure            NS + DS (child zone secure.example, ECDSA P-256, NSEC)
 *     insecure          NS, glue, no DS
 */
import { T, type RR } from '../../../resolver/wire/types.js';
import { Name } from '../../../resolver/wire/name.js';
import { DEFAULT_POLICY, type ValidationPolicy } from '../../../resolver/dnssec/policy.js';
import { WorkBudget } from '../../../resolver/dnssec/budget.js';
import { validateZoneKeys, type ZoneKeys } from '../../../resolver/dnssec/zone-keys.js';
import {
  ALG, DIGEST, generateKey, makeDs, n, nsec3For, nsecFor, rdata, rr, signZone, signed, type Nsec3Options, type TestKey,
} from '../../support/signer.js';

export const NOW = 1_800_000_000;
export const WINDOW = { inception: NOW - 3600, expiration: NOW + 30 * 86400 };
export const APEX = n('example');
export const CHILD = n('secure.example');
export const UNSIGNED_CHILD = n('insecure.example');

export const budget = (maxNsec3Hashes = 512): WorkBudget => new WorkBudget({ maxSignatureChecks: 256, maxNsec3Hashes });
export const policy = (over: Partial<ValidationPolicy> = {}): ValidationPolicy => ({ ...DEFAULT_POLICY, ...over });

export const ksk = generateKey(APEX, { algorithm: ALG.ED25519, flags: 257, seed: 'example ksk' });
export const zsk = generateKey(APEX, { algorithm: ALG.ED25519, flags: 256, seed: 'example zsk' });
export const childKey = generateKey(CHILD, { algorithm: ALG.ECDSAP256, flags: 257 });

export function childZone(denial: 'nsec' | 'nsec3' = 'nsec'): RR[] {
  const data = [
    rr(CHILD, T.SOA, rdata.soa('ns.secure.example', 'h.secure.example')),
    rr(CHILD, T.NS, rdata.ns('ns.secure.example')),
    rr('ns.secure.example', T.A, rdata.a('192.0.2.50')),
    rr('host.secure.example', T.A, rdata.a('192.0.2.51')),
  ];
  return signZone(CHILD, data, [childKey], { ...WINDOW, denial });
}

export function parentData(): RR[] {
  return [
    rr(APEX, T.SOA, rdata.soa('ns1.example', 'hostmaster.example', 1, 300)),
    rr(APEX, T.NS, rdata.ns('ns1.example')),
    rr('ns1.example', T.A, rdata.a('192.0.2.53')),
    rr('www.example', T.A, rdata.a('192.0.2.1')),
    rr('_443._tcp.www.example', T.TLSA, rdata.tlsa(3, 1, 1, 'aa'.repeat(32))),
    rr('a.b.example', T.TXT, rdata.txt('deep')),
    rr('*.wild.example', T.A, rdata.a('192.0.2.9')),
    rr('alias.example', T.CNAME, rdata.cname('www.example')),
    rr('chain.example', T.CNAME, rdata.cname('alias.example')),
    rr('outside.example', T.CNAME, rdata.cname('www.other.test')),
    rr('dn.example', T.DNAME, rdata.dname('tgt.example')),
    rr('x.tgt.example', T.A, rdata.a('192.0.2.7')),
    rr(CHILD, T.NS, rdata.ns('ns.secure.example')),
    rr('ns.secure.example', T.A, rdata.a('192.0.2.50')),
    makeDs(childKey.dnskey, DIGEST.SHA256),
    rr(UNSIGNED_CHILD, T.NS, rdata.ns('ns.insecure.example')),
    rr('ns.insecure.example', T.A, rdata.a('192.0.2.60')),
  ];
}

export interface Fixture {
  rrs: RR[];
  keys: ZoneKeys;
  nsec3?: Nsec3Options;
  /** Signed RRset at name/type plus RRSIGs. */
  set(name: string, type: number): RR[];
  /** The denial records (with RRSIGs) matching or covering each name. */
  deny(...names: string[]): RR[];
}

export function signedParent(denial: 'nsec' | 'nsec3' = 'nsec', nsec3: Nsec3Options = {}, data: RR[] = parentData()): Fixture {
  const rrs = signZone(APEX, data, [ksk, zsk], { ...WINDOW, denial, nsec3 });
  const keys = trustedKeys(rrs);
  return {
    rrs, keys, nsec3,
    set: (name, type) => signed(rrs, name, type),
    deny: (...names) => uniq(names.flatMap((x) => (denial === 'nsec' ? nsecFor(rrs, x) : nsec3For(rrs, APEX, x, nsec3)))),
  };
}

/** The parent's DNSKEY RRset authenticated from a DS anchor for its KSK. */
export function trustedKeys(rrs: RR[], apex: Name = APEX, anchorKey: TestKey = ksk): ZoneKeys {
  return validateZoneKeys({
    zone: apex, dnskeys: rrs.filter((r) => r.type === T.DNSKEY && r.name.equals(apex)),
    rrsigs: signed(rrs, apex, T.DNSKEY).filter((r) => r.type === T.RRSIG),
    anchors: [makeDs(anchorKey.dnskey, DIGEST.SHA256)], now: NOW, policy: policy(), budget: budget(),
  });
}

export function uniq(rrs: RR[]): RR[] {
  const seen = new Set<string>();
  return rrs.filter((r) => {
    const k = `${r.name.key}|${r.type}|${Buffer.from(r.rdata).toString('hex')}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** A copy of `rr` with one RDATA byte flipped (data altered after signing). */
export function altered(record: RR, index = -1): RR {
  const data = Uint8Array.from(record.rdata);
  const at = index < 0 ? data.length + index : index;
  data[at] = data[at]! ^ 0x01;
  return { ...record, rdata: data };
}

/** A minimal per-test input bundle for validateResponse. */
export function responseInput(f: Fixture, qname: string, qtype: number, rcode: number, answer: RR[], authority: RR[], over: { policy?: ValidationPolicy; budget?: WorkBudget } = {}) {
  return { qname: n(qname), qtype, rcode, answer, authority, keys: f.keys, now: NOW, policy: over.policy ?? policy(), budget: over.budget ?? budget() };
}
