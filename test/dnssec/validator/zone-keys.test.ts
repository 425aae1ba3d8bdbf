/** validateZoneKeys: RFC 4035 §5.2 (DS → DNSKEY, self-signed DNSKEY RRset), RFC 6840 §5.2, RFC 4509 §3. */
import { describe, expect, it } from 'vitest';
import { T, type RR } from '../../../resolver/wire/types.js';
import { EDE } from '../../../resolver/dnssec/verdict.js';
import { validateZoneKeys } from '../../../resolver/dnssec/zone-keys.js';
import { ALG, DIGEST, generateKey, makeDs, n, rdata, rr, signZone, sigsOf, type TestKey } from '../../support/signer.js';
import { NOW, WINDOW, budget, policy } from './fixtures.js';

const zone = n('keys.example');
const ksk = generateKey(zone, { algorithm: ALG.ED25519, flags: 257, seed: 'keys ksk' });
const zsk = generateKey(zone, { algorithm: ALG.ECDSAP256, flags: 256 });
const other = generateKey(zone, { algorithm: ALG.ED25519, flags: 257, seed: 'some other key' });
const data = [rr(zone, T.SOA, rdata.soa('ns.keys.example', 'h.keys.example')), rr(zone, T.NS, rdata.ns('ns.keys.example'))];

function zoneRrs(keys: TestKey[], opts: Partial<Parameters<typeof signZone>[3]> = {}): RR[] {
  return signZone(zone, data, keys, { ...WINDOW, ...opts });
}

function check(rrs: RR[], trust: { ds?: RR[]; anchors?: RR[] }, over: Partial<ReturnType<typeof policy>> = {}) {
  return validateZoneKeys({
    zone, dnskeys: rrs.filter((r) => r.type === T.DNSKEY), rrsigs: sigsOf(rrs, zone, T.DNSKEY),
    ...trust, now: NOW, policy: policy(over), budget: budget(),
  });
}

/** A DS with its digest type (or algorithm) field rewritten: still names the key, but cannot be used. */
function dsWith(key: TestKey, field: 'digest' | 'algorithm', value: number): RR {
  const ds = makeDs(key.dnskey, DIGEST.SHA256);
  const bytes = Uint8Array.from(ds.rdata);
  bytes[field === 'digest' ? 3 : 2] = value;
  return { ...ds, rdata: bytes };
}

describe('RFC 4035 §5.2: authenticating a DNSKEY RRset from the parent DS', () => {
  const signedZone = zoneRrs([ksk, zsk]);

  it('a SHA-256 DS for the KSK that signs the DNSKEY RRset → secure, whole RRset trusted', () => {
    const r = check(signedZone, { ds: [makeDs(ksk.dnskey, DIGEST.SHA256)] });
    expect(r.verdict.status).toBe('secure');
    expect(r.keys).toHaveLength(2);
    expect(r.ttl).toBeGreaterThan(0);
  });

  it('SHA-384 and SHA-1 DS digests are accepted on their own', () => {
    expect(check(signedZone, { ds: [makeDs(ksk.dnskey, DIGEST.SHA384)] }).verdict.status).toBe('secure');
    expect(check(signedZone, { ds: [makeDs(ksk.dnskey, DIGEST.SHA1)] }).verdict.status).toBe('secure');
  });

  it('the SEP bit is not required: a DS for the ZSK that signs the DNSKEY RRset → secure', () => {
    const rrs = zoneRrs([ksk, zsk], { dnskeySigners: [zsk] });
    expect(check(rrs, { ds: [makeDs(zsk.dnskey)] }).verdict.status).toBe('secure');
  });

  it('a DS for another key → bogus, EDE 9 DNSKEY Missing', () => {
    const r = check(signedZone, { ds: [makeDs(other.dnskey)] });
    expect(r.verdict).toMatchObject({ status: 'bogus', ede: EDE.DNSKEY_MISSING, id: 'ZK03' });
    expect(r.keys).toEqual([]);
  });

  it('the DS-matched key did not sign the DNSKEY RRset (only the ZSK did) → bogus', () => {
    const rrs = zoneRrs([ksk, zsk], { dnskeySigners: [zsk] });
    const r = check(rrs, { ds: [makeDs(ksk.dnskey)] });
    expect(r.verdict.status).toBe('bogus');
    expect(r.verdict.ede).toBe(EDE.DNSKEY_MISSING);
  });

  it('the DNSKEY RRset without RRSIG → bogus, EDE 10', () => {
    const rrs = zoneRrs([ksk, zsk]).filter((x) => !(x.type === T.RRSIG && x.rdata[1] === T.DNSKEY));
    expect(check(rrs, { ds: [makeDs(ksk.dnskey)] }).verdict).toMatchObject({ status: 'bogus', ede: EDE.RRSIGS_MISSING });
  });

  it('the DNSKEY RRSIG expired → bogus, EDE 7', () => {
    const rrs = zoneRrs([ksk, zsk], { inception: NOW - 90 * 86400, expiration: NOW - 86400 });
    expect(check(rrs, { ds: [makeDs(ksk.dnskey)] }).verdict).toMatchObject({ status: 'bogus', ede: EDE.SIGNATURE_EXPIRED });
  });

  it('the DNSKEY RRSIG swapped for one of an unsupported algorithm (253) cannot downgrade to insecure → bogus', () => {
    const fake = generateKey(zone, { algorithm: ALG.PRIVATE, flags: 257 });
    const rrs = zoneRrs([ksk, zsk], { dnskeySigners: [fake] });
    expect(check(rrs, { ds: [makeDs(ksk.dnskey)] }).verdict.status).toBe('bogus');
  });

  it('a DNSKEY added after signing → bogus (the RRset no longer verifies)', () => {
    const rrs = [...signedZone, other.dnskey];
    expect(check(rrs, { ds: [makeDs(ksk.dnskey)] }).verdict.status).toBe('bogus');
  });

  it('a DS-matched key without the Zone Key bit (RFC 4034 §2.1.1) → bogus, EDE 11', () => {
    const notZone = generateKey(zone, { algorithm: ALG.ED25519, flags: 1, seed: 'not a zone key' });
    const rrs = zoneRrs([notZone]);
    expect(check(rrs, { ds: [makeDs(notZone.dnskey)] }).verdict).toMatchObject({ status: 'bogus', ede: EDE.NO_ZONE_KEY_BIT_SET });
  });
});

describe('RFC 4035 §5.2 / RFC 6840 §5.2: DS sets without a supported algorithm or digest are insecure', () => {
  const signedZone = zoneRrs([ksk, zsk]);

  it('only an unsupported digest type (GOST 3) → insecure, EDE 2', () => {
    expect(check(signedZone, { ds: [dsWith(ksk, 'digest', 3)] }).verdict).toMatchObject({ status: 'insecure', ede: EDE.UNSUPPORTED_DS_DIGEST_TYPE });
  });

  it('SHA-1 only, with SHA-1 disabled by policy → insecure, EDE 2', () => {
    const r = check(signedZone, { ds: [makeDs(ksk.dnskey, DIGEST.SHA1)] }, { allowSha1: false });
    expect(r.verdict).toMatchObject({ status: 'insecure', ede: EDE.UNSUPPORTED_DS_DIGEST_TYPE });
  });

  it('only an unsupported algorithm (253) → insecure, EDE 1', () => {
    expect(check(signedZone, { ds: [dsWith(ksk, 'algorithm', 253)] }).verdict).toMatchObject({ status: 'insecure', ede: EDE.UNSUPPORTED_DNSKEY_ALGORITHM });
  });

  it('an unsupported DS beside a supported one is ignored → secure', () => {
    expect(check(signedZone, { ds: [dsWith(ksk, 'algorithm', 253), makeDs(ksk.dnskey)] }).verdict.status).toBe('secure');
  });

  it('no DS and no anchor → indeterminate', () => {
    expect(check(signedZone, {}).verdict.status).toBe('indeterminate');
  });
});

describe('RFC 4509 §3: SHA-1 DS ignored when a SHA-256 DS is present', () => {
  const signedZone = zoneRrs([ksk, zsk]);

  it('a correct SHA-1 DS does not rescue a SHA-256 DS that matches nothing → bogus', () => {
    const r = check(signedZone, { ds: [makeDs(ksk.dnskey, DIGEST.SHA1), makeDs(other.dnskey, DIGEST.SHA256)] });
    expect(r.verdict).toMatchObject({ status: 'bogus', ede: EDE.DNSKEY_MISSING });
  });

  it('SHA-1 and SHA-256 DS for the same key → secure', () => {
    expect(check(signedZone, { ds: [makeDs(ksk.dnskey, DIGEST.SHA1), makeDs(ksk.dnskey, DIGEST.SHA256)] }).verdict.status).toBe('secure');
  });
});

describe('trust anchors (RFC 4035 §4.4): DS and DNSKEY anchors', () => {
  const signedZone = zoneRrs([ksk, zsk]);

  it('a DNSKEY anchor equal to the served KSK → secure', () => {
    expect(check(signedZone, { anchors: [ksk.dnskey] }).verdict.status).toBe('secure');
  });

  it('a DNSKEY anchor that is not in the served RRset → bogus, EDE 9', () => {
    expect(check(signedZone, { anchors: [other.dnskey] }).verdict).toMatchObject({ status: 'bogus', ede: EDE.DNSKEY_MISSING });
  });

  it('a DNSKEY anchor differing only in flags (revoked) does not match exactly → bogus', () => {
    const revoked = Uint8Array.from(ksk.dnskey.rdata);
    revoked[1] = revoked[1]! | 0x80;
    expect(check(signedZone, { anchors: [{ ...ksk.dnskey, rdata: revoked }] }).verdict.status).toBe('bogus');
  });

  it('a DS anchor → secure; anchors of other owners are ignored', () => {
    expect(check(signedZone, { anchors: [makeDs(ksk.dnskey)] }).verdict.status).toBe('secure');
    const elsewhere = { ...makeDs(ksk.dnskey), name: n('elsewhere.example') };
    expect(check(signedZone, { anchors: [elsewhere] }).verdict.status).toBe('indeterminate');
  });
});
