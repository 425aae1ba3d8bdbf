/**
 * verifyRrset with fresh keys for every algorithm: sign correctly, break exactly one thing, assert the verdict
 * and EDE (RFC 8914). Keys come from node:crypto; the dates are fixed.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { T, type RR } from '../../../resolver/wire/types.js';
import { EDE } from '../../../resolver/dnssec/verdict.js';
import { DEFAULT_POLICY } from '../../../resolver/dnssec/policy.js';
import { WorkBudget } from '../../../resolver/dnssec/budget.js';
import { MAX_CHECKS_PER_RRSET, verifyRrset, type VerifyInput } from '../../../resolver/dnssec/verify.js';
import { isSupportedAlgorithm } from '../../../resolver/dnssec/algorithms.js';
import { generateKey, n, rdata, rr, signRrset, type TestKey } from './support.js';

const INCEPTION = Date.UTC(2024, 0, 1) / 1000;
const EXPIRATION = Date.UTC(2036, 0, 1) / 1000;
const NOW = Date.UTC(2026, 10, 26) / 1000;
const WINDOW = { inception: INCEPTION, expiration: EXPIRATION };

const ALGORITHMS = [5, 7, 8, 10, 13, 14, 15, 16];
const keys = new Map<number, TestKey>();

beforeAll(() => {
  for (const alg of ALGORITHMS) keys.set(alg, generateKey('example.org', alg, 256, 1024));
});

function aSet(owner = 'www.example.org', ttl = 3600): RR[] {
  return [rr(owner, T.A, rdata.a('192.0.2.1'), ttl), rr(owner, T.A, rdata.a('192.0.2.2'), ttl)];
}

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const out = bytes.slice();
  out[index]! ^= 0x01;
  return out;
}

describe.each(ALGORITHMS)('algorithm %i', (alg) => {
  const input = (over: Partial<VerifyInput> = {}): VerifyInput => {
    const key = keys.get(alg)!;
    const rrset = aSet();
    return { rrset, rrsigs: [signRrset(rrset, key, WINDOW)], dnskeys: [key.dnskey], now: NOW, ...over };
  };

  test('a correct signature verifies, with key tag, signer and TTL', () => {
    const result = verifyRrset(input());
    expect(result.status, result.reason).toBe('secure');
    expect(result.keyTag).toBe(keys.get(alg)!.keyTag);
    expect(result.signer?.toString()).toBe('example.org.');
    expect(result.ttl).toBe(3600);
    expect(result.wildcard).toBeUndefined();
  });

  test('a flipped signature bit is bogus, EDE 6', () => {
    const base = input();
    const sig = base.rrsigs[0]!;
    const result = verifyRrset({ ...base, rrsigs: [{ ...sig, rdata: flip(sig.rdata, sig.rdata.length - 5) }] });
    expect([result.status, result.ede, result.id]).toEqual(['bogus', EDE.DNSSEC_BOGUS, 'V014']);
  });

  test('a flipped RDATA bit is bogus, EDE 6', () => {
    const base = input();
    const rrset = base.rrset.map((r, i) => (i === 0 ? { ...r, rdata: flip(r.rdata, 3) } : r));
    expect(verifyRrset({ ...base, rrset }).ede).toBe(EDE.DNSSEC_BOGUS);
  });

  test('owner in different letter case and a lower TTL still verify', () => {
    const base = input();
    const rrset = aSet('WwW.ExAmPlE.oRg', 60);
    const result = verifyRrset({ ...base, rrset, rrsigs: base.rrsigs.map((s) => ({ ...s, name: n('WWW.EXAMPLE.ORG') })) });
    expect(result.status, result.reason).toBe('secure');
    expect(result.ttl).toBe(60);
  });
});

describe('verdicts for one broken thing (ECDSA P-256)', () => {
  let key: TestKey;
  beforeAll(() => { key = keys.get(13)!; });
  const verify = (sigOpts: Partial<Parameters<typeof signRrset>[2]> = {}, over: Partial<VerifyInput> = {}) => {
    const rrset = aSet();
    return verifyRrset({ rrset, rrsigs: [signRrset(rrset, key, { ...WINDOW, ...sigOpts })], dnskeys: [key.dnskey], now: NOW, ...over });
  };

  test('no RRSIG → bogus EDE 10', () => {
    const r = verifyRrset({ rrset: aSet(), rrsigs: [], dnskeys: [key.dnskey], now: NOW });
    expect([r.status, r.ede, r.id]).toEqual(['bogus', EDE.RRSIGS_MISSING, 'V003']);
  });

  test('RRSIGs covering another type or owner are ignored → EDE 10', () => {
    const other = [rr('www.example.org', T.AAAA, new Uint8Array(16))];
    const sig = signRrset(other, key, WINDOW);
    const elsewhere = signRrset(aSet('ftp.example.org'), key, WINDOW);
    expect(verifyRrset({ rrset: aSet(), rrsigs: [sig, elsewhere], dnskeys: [key.dnskey], now: NOW }).ede).toBe(EDE.RRSIGS_MISSING);
  });

  test('expired → EDE 7; not yet valid → EDE 8; inverted window → EDE 25', () => {
    expect(verify({ inception: NOW - 1000, expiration: NOW - 1 })).toMatchObject({ status: 'bogus', ede: EDE.SIGNATURE_EXPIRED, id: 'V009' });
    expect(verify({ inception: NOW + 1, expiration: NOW + 1000 })).toMatchObject({ status: 'bogus', ede: EDE.SIGNATURE_NOT_YET_VALID, id: 'V010' });
    expect(verify({ inception: NOW + 10, expiration: NOW - 10 })).toMatchObject({ status: 'bogus', ede: EDE.SIGNATURE_EXPIRED_BEFORE_VALID });
  });

  test('clock skew widens the window on both ends', () => {
    const policy = { ...DEFAULT_POLICY, clockSkewSeconds: 300 };
    expect(verify({ inception: NOW - 1000, expiration: NOW - 100 }, { policy }).status).toBe('secure');
    expect(verify({ inception: NOW + 100, expiration: NOW + 1000 }, { policy }).status).toBe('secure');
    expect(verify({ inception: NOW - 1000, expiration: NOW - 301 }, { policy }).ede).toBe(EDE.SIGNATURE_EXPIRED);
  });

  test('expiration exactly now still verifies (RFC 4035 §5.3.1 "less than or equal")', () => {
    const r = verify({ inception: NOW - 10, expiration: NOW });
    expect(r.status).toBe('secure');
    expect(r.ttl).toBe(0);
  });

  test('TTL is capped by original TTL and by time left to expiry (RFC 4035 §5.3.3)', () => {
    expect(verify({ originalTtl: 600 }).ttl).toBe(600);
    expect(verify({ inception: NOW - 10, expiration: NOW + 42 }).ttl).toBe(42);
    // ... and by the TTL of the RRSIG RR itself.
    const rrset = aSet();
    const sig = { ...signRrset(rrset, key, WINDOW), ttl: 77 };
    expect(verifyRrset({ rrset, rrsigs: [sig], dnskeys: [key.dnskey], now: NOW }).ttl).toBe(77);
  });

  test('wrong key tag → bogus EDE 6, V011 (RFC 8914 §4.10 keeps EDE 9 for DS without DNSKEY)', () => {
    expect(verify({ keyTag: (key.keyTag + 1) & 0xffff })).toMatchObject({ status: 'bogus', ede: EDE.DNSSEC_BOGUS, id: 'V011' });
  });

  test('changed signer name → bogus: another zone has no trusted key (V011), a non-ancestor is V005', () => {
    expect(verify({ signer: 'org' })).toMatchObject({ status: 'bogus', ede: EDE.DNSSEC_BOGUS, id: 'V011' });
    expect(verify({ signer: 'example.net' })).toMatchObject({ status: 'bogus', id: 'V005' });
  });

  test('signer name in upper case is canonicalised in signed data and still verifies', () => {
    expect(verify({ signer: 'EXAMPLE.org' }).status).toBe('secure');
  });

  test('key without Zone Key bit → EDE 11; revoked key → bogus', () => {
    const noZone = { ...key.dnskey, rdata: Uint8Array.from([0, 0, ...key.dnskey.rdata.subarray(2)]) };
    const nz = signRrset(aSet(), key, { ...WINDOW, keyTag: keyTagOfRdata(noZone.rdata) });
    const r1 = verifyRrset({ rrset: aSet(), rrsigs: [nz], dnskeys: [noZone], now: NOW });
    expect(r1).toMatchObject({ status: 'bogus', ede: EDE.NO_ZONE_KEY_BIT_SET, id: 'V012' });
    const revoked = { ...key.dnskey, rdata: Uint8Array.from([1, 0x80, ...key.dnskey.rdata.subarray(2)]) };
    const rv = signRrset(aSet(), key, { ...WINDOW, keyTag: keyTagOfRdata(revoked.rdata) });
    expect(verifyRrset({ rrset: aSet(), rrsigs: [rv], dnskeys: [revoked], now: NOW })).toMatchObject({ status: 'bogus', id: 'V013' });
  });

  test('labels field larger than the owner label count → bogus V006', () => {
    const rrset = aSet();
    const sig = signRrset(rrset, key, WINDOW);
    const tooMany = sig.rdata.slice();
    tooMany[3] = 4; // www.example.org has 3 labels
    const r = verifyRrset({ rrset, rrsigs: [{ ...sig, rdata: tooMany }], dnskeys: [key.dnskey], now: NOW });
    expect(r).toMatchObject({ status: 'bogus', id: 'V006' });
  });

  test('a good signature among bad ones still verifies', () => {
    const rrset = aSet();
    const good = signRrset(rrset, key, WINDOW);
    const expired = signRrset(rrset, key, { inception: NOW - 100, expiration: NOW - 50 });
    const broken = { ...good, rdata: flip(good.rdata, good.rdata.length - 1) };
    expect(verifyRrset({ rrset, rrsigs: [expired, broken, good], dnskeys: [key.dnskey], now: NOW }).status).toBe('secure');
  });

  test('empty or mixed RRsets are error verdicts, not exceptions', () => {
    expect(verifyRrset({ rrset: [], rrsigs: [], dnskeys: [], now: NOW })).toMatchObject({ status: 'bogus', id: 'V001' });
    const mixed = [...aSet(), rr('www.example.org', T.AAAA, new Uint8Array(16))];
    expect(verifyRrset({ rrset: mixed, rrsigs: [], dnskeys: [], now: NOW })).toMatchObject({ status: 'bogus', id: 'V002' });
  });

  test('an RRset whose RDATA name cannot be canonicalised is bogus V016, not an exception', () => {
    const rrset = [rr('www.example.org', T.MX, Uint8Array.from([0, 10, 0xc0, 0x0c]))];
    const sig = signRrset([rr('www.example.org', T.MX, rdata.mx(10, 'mail.example.org'))], key, WINDOW);
    expect(verifyRrset({ rrset, rrsigs: [sig], dnskeys: [key.dnskey], now: NOW })).toMatchObject({ status: 'bogus', id: 'V016' });
  });

  test('a malformed RRSIG is bogus, not an exception', () => {
    const sig = rr('www.example.org', T.RRSIG, Uint8Array.from([0, 1, 13, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 63]));
    expect(verifyRrset({ rrset: aSet(), rrsigs: [sig], dnskeys: [key.dnskey], now: NOW })).toMatchObject({ status: 'bogus', id: 'V004' });
  });
});

describe('wildcards (RFC 4035 §5.3.2, §5.3.4)', () => {
  test('an answer synthesised from *.example.org verifies and reports the wildcard', () => {
    const key = keys.get(15)!;
    const synthesised = aSet('a.b.example.org');
    // The zone signed `*.example.org`: labels = 2. The same signature covers any expansion.
    const sig = signRrset(aSet('*.example.org'), key, WINDOW);
    const result = verifyRrset({ rrset: synthesised, rrsigs: [{ ...sig, name: n('a.b.example.org') }], dnskeys: [key.dnskey], now: NOW });
    expect(result.status, result.reason).toBe('secure');
    expect(result.wildcard?.toString()).toBe('*.example.org.');
  });

  test('the literal wildcard owner is not reported as an expansion', () => {
    const key = keys.get(15)!;
    const rrset = aSet('*.example.org');
    const result = verifyRrset({ rrset, rrsigs: [signRrset(rrset, key, WINDOW)], dnskeys: [key.dnskey], now: NOW });
    expect(result.status).toBe('secure');
    expect(result.wildcard).toBeUndefined();
  });
});

describe('unsupported algorithms and policy', () => {
  const rrset = aSet();
  const keyFor = (alg: number): RR => rr('example.org', T.DNSKEY, rdata.dnskey(256, alg, Uint8Array.from([3, 1, 0, 1, 0xc0, 0xff, 0xee])));
  const sigBy = (alg: number, dnskey: RR): RR => rr('www.example.org', T.RRSIG, rdata.rrsig({
    typeCovered: T.A, algorithm: alg, labels: 3, originalTtl: 3600, ...WINDOW,
    keyTag: keyTagOfRdata(dnskey.rdata), signer: 'example.org', signature: new Uint8Array(64),
  }));

  test.each([1, 3, 6, 12, 253, 254, 200])('signatures only by algorithm %i → insecure EDE 1', (alg) => {
    expect(isSupportedAlgorithm(alg)).toBe(false);
    const dnskey = keyFor(alg);
    const r = verifyRrset({ rrset, rrsigs: [sigBy(alg, dnskey)], dnskeys: [dnskey], now: NOW });
    expect([r.status, r.ede, r.id]).toEqual(['insecure', EDE.UNSUPPORTED_DNSKEY_ALGORITHM, 'V007']);
  });

  test('allowSha1 = false makes RSASHA1 (5, 7) unsupported → insecure', () => {
    const policy = { ...DEFAULT_POLICY, allowSha1: false };
    for (const alg of [5, 7]) {
      const key = keys.get(alg)!;
      expect(isSupportedAlgorithm(alg, policy)).toBe(false);
      const r = verifyRrset({ rrset, rrsigs: [signRrset(rrset, key, WINDOW)], dnskeys: [key.dnskey], now: NOW, policy });
      expect(r.status).toBe('insecure');
      expect(verifyRrset({ rrset, rrsigs: [signRrset(rrset, key, WINDOW)], dnskeys: [key.dnskey], now: NOW }).status).toBe('secure');
    }
  });

  test('an unsupported signature beside a broken supported one is bogus', () => {
    const key = keys.get(13)!;
    const good = signRrset(rrset, key, WINDOW);
    const broken = { ...good, rdata: flip(good.rdata, good.rdata.length - 1) };
    const dnskey = keyFor(253);
    const r = verifyRrset({ rrset, rrsigs: [sigBy(253, dnskey), broken], dnskeys: [key.dnskey, dnskey], now: NOW });
    expect(r.status).toBe('bogus');
  });
});

describe('key-tag collisions and the work budget (KeyTrap, CVE-2023-50387)', () => {
  test('each colliding key is tried, each try is charged, and an exhausted budget is bogus', () => {
    const real = keys.get(15)!;
    const rrset = aSet();
    const sig = signRrset(rrset, real, WINDOW);
    // Fresh keys would not share the tag by chance: build decoys whose RDATA sums to the same key tag.
    const decoys = Array.from({ length: 5 }, (_, k) => collidingDecoy(real.dnskey, k));
    const budget = new WorkBudget({ maxSignatureChecks: 3, maxNsec3Hashes: 10 });
    const r = verifyRrset({ rrset, rrsigs: [sig], dnskeys: [...decoys, real.dnskey], now: NOW, budget });
    expect(r).toMatchObject({ status: 'bogus', id: 'V015' });
    expect(r.reason).toContain('maxSignatureChecks');
    expect(budget.signatureChecks).toBe(3);
    const enough = new WorkBudget({ maxSignatureChecks: 10, maxNsec3Hashes: 10 });
    expect(verifyRrset({ rrset, rrsigs: [sig], dnskeys: [...decoys, real.dnskey], now: NOW, budget: enough }).status).toBe('secure');
    expect(enough.signatureChecks).toBe(6);
  });

  test(`one RRset gets at most MAX_CHECKS_PER_RRSET (${MAX_CHECKS_PER_RRSET}) checks, whatever the budget left`, () => {
    const real = keys.get(15)!;
    const rrset = aSet();
    const sig = signRrset(rrset, real, WINDOW);
    const decoys = Array.from({ length: MAX_CHECKS_PER_RRSET + 2 }, (_, k) => collidingDecoy(real.dnskey, k));
    const budget = new WorkBudget();
    const r = verifyRrset({ rrset, rrsigs: [sig], dnskeys: [...decoys, real.dnskey], now: NOW, budget });
    expect(r).toMatchObject({ status: 'bogus', id: 'V018' });
    expect(budget.signatureChecks).toBe(MAX_CHECKS_PER_RRSET);
    // Within the cap the real key is reached: an honest RRset with a few colliding keys still verifies.
    const few = verifyRrset({ rrset, rrsigs: [sig], dnskeys: [...decoys.slice(0, MAX_CHECKS_PER_RRSET - 1), real.dnskey], now: NOW });
    expect(few.status).toBe('secure');
  });
});

/** A DNSKEY with the same key tag as `key` but another public key: swapping two 16-bit words keeps the tag sum. */
function collidingDecoy(key: RR, k: number): RR {
  const r = key.rdata.slice();
  const i = 4 + 2 * k;
  const j = i + 2;
  [r[i], r[i + 1], r[j], r[j + 1]] = [r[j]!, r[j + 1]!, r[i]!, r[i + 1]!];
  return { ...key, rdata: r };
}

function keyTagOfRdata(r: Uint8Array): number {
  let ac = 0;
  for (let i = 0; i < r.length; i++) ac += i & 1 ? r[i]! : r[i]! << 8;
  return (ac + ((ac >>> 16) & 0xffff)) & 0xffff;
}
