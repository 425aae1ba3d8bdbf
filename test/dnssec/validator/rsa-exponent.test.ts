/**
 * RSA keys with huge public exponents (MAX_RSA_EXPONENT_BITS): RFC 3110 §2 allows exponents up to 4096 bits, and
 * verification cost grows with the exponent's length. Such keys are refused before any signature check: a zone
 * whose DS points only at them is insecure (RFC 4035 §5.2, no supported authentication path), data signed only
 * by them in a signed zone is bogus; both with EDE 1. Exponents signers really use (65537, .lv's 2^32 + 1) work.
 */
import { describe, expect, it } from 'vitest';
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { T, type RR } from '../../../resolver/wire/types.js';
import { EDE } from '../../../resolver/dnssec/verdict.js';
import { validateZoneKeys } from '../../../resolver/dnssec/zone-keys.js';
import { verifyRrset } from '../../../resolver/dnssec/verify.js';
import { MAX_RSA_EXPONENT_BITS, refusedKeyReason } from '../../../resolver/dnssec/algorithms.js';
import { WorkBudget } from '../../../resolver/dnssec/budget.js';
import { ALG, DIGEST, keyTagOf, makeDs, n, rdata, rr, signRrset, signZone, type TestKey } from '../../support/signer.js';
import { rsaKeyWithExponent, type RawRsaKey } from '../../support/hostile-inputs.js';
import { NOW, WINDOW, policy } from './fixtures.js';

const zone = n('rsa.example');

function testKey(raw: RawRsaKey, flags: number): TestKey {
  const data = Uint8Array.from([flags >> 8, flags & 0xff, 3, ALG.RSASHA256, ...raw.publicKey]);
  return { zone, flags, algorithm: ALG.RSASHA256, keyTag: keyTagOf(data), dnskey: rr(zone, T.DNSKEY, data), signData: (d) => raw.signSha256(d) };
}

function cpuMs(fn: () => void): number {
  const t0 = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}

const huge = rsaKeyWithExponent('huge', 2048);
const lv = rsaKeyWithExponent(2n ** 32n + 1n, 2048);
const justAbove = rsaKeyWithExponent(2n ** BigInt(MAX_RSA_EXPONENT_BITS) + 1n, 2048);
const data = [rr(zone, T.SOA, rdata.soa('ns.rsa.example', 'h.rsa.example')), rr(zone, T.NS, rdata.ns('ns.rsa.example'))];

function zoneKeys(key: TestKey) {
  const rrs = signZone(zone, data, [key], { ...WINDOW });
  const budget = new WorkBudget();
  const r = validateZoneKeys({
    zone, dnskeys: rrs.filter((x) => x.type === T.DNSKEY), rrsigs: rrs.filter((x) => x.type === T.RRSIG && x.name.equals(zone)),
    ds: [makeDs(key.dnskey, DIGEST.SHA256)], now: NOW, policy: policy(), budget,
  });
  return { r, budget };
}

describe('RSA public exponent cap (MAX_RSA_EXPONENT_BITS)', () => {
  it('the huge-exponent key is a real key: its signature verifies with node:crypto, at a CPU cost', () => {
    const key = testKey(huge, 257);
    const message = new Uint8Array(64).fill(1);
    const signature = huge.signSha256(message);
    const pub = createPublicKey({ key: { kty: 'RSA', n: jwkPart(huge.publicKey, 'n'), e: jwkPart(huge.publicKey, 'e') }, format: 'jwk' });
    let ok = false;
    const ms = cpuMs(() => { for (let i = 0; i < 16; i++) ok = cryptoVerify('sha256', message, pub, signature); });
    expect(ok).toBe(true);
    console.log(`RSA-2048 with a ${huge.exponentBits}-bit exponent: ${(ms / 16).toFixed(2)} ms CPU per verification by node:crypto`);
    expect(refusedKeyReason(key.dnskey.rdata)).toMatch(/exceeds MAX_RSA_EXPONENT_BITS/);
  });

  it('65537, 2^32 + 1 (.lv KSK) and 2^64 − 1 are accepted; 2^64 + 1 is refused', () => {
    const f4 = rsaKeyWithExponent(65537n, 1024);
    const top = rsaKeyWithExponent(2n ** 64n - 1n, 1024);
    expect(refusedKeyReason(testKey(f4, 257).dnskey.rdata)).toBeUndefined();
    expect(refusedKeyReason(testKey(lv, 257).dnskey.rdata)).toBeUndefined();
    expect(refusedKeyReason(testKey(top, 257).dnskey.rdata)).toBeUndefined();
    expect(refusedKeyReason(testKey(justAbove, 257).dnskey.rdata)).toBe('RSA public exponent of 65 bits exceeds MAX_RSA_EXPONENT_BITS (64)');
  });

  it('a zone signed by a 2^32 + 1 key validates (secure)', () => {
    expect(zoneKeys(testKey(lv, 257)).r.verdict.status).toBe('secure');
  });

  it('a DS pointing only at a huge-exponent key → insecure, EDE 1, ZK07, no signature checked', () => {
    const { r, budget } = zoneKeys(testKey(huge, 257));
    expect(r.verdict).toMatchObject({ status: 'insecure', ede: EDE.UNSUPPORTED_DNSKEY_ALGORITHM, id: 'ZK07' });
    expect(r.verdict.reason).toMatch(/RSA public exponent of \d+ bits exceeds MAX_RSA_EXPONENT_BITS/);
    expect(budget.signatureChecks).toBe(0);
  });

  it('data signed only by a huge-exponent ZSK in a signed zone → bogus, EDE 1, V017; 256 such RRSIGs cost no check', () => {
    const zsk = testKey(huge, 256);
    const rrset: RR[] = [rr(zone.prepend('www'), T.A, rdata.a('192.0.2.1'))];
    const one = signRrset(rrset, zsk, WINDOW);
    const rrsigs = new Array<RR>(256).fill(one);
    const budget = new WorkBudget();
    let v: ReturnType<typeof verifyRrset> | undefined;
    const ms = cpuMs(() => { v = verifyRrset({ rrset, rrsigs, dnskeys: [zsk.dnskey], now: NOW, policy: policy(), budget }); });
    expect(v).toMatchObject({ status: 'bogus', ede: EDE.UNSUPPORTED_DNSKEY_ALGORITHM, id: 'V017' });
    expect(budget.signatureChecks).toBe(0);
    console.log(`256 RRSIGs by a refused huge-exponent key: ${ms.toFixed(2)} ms CPU, ${budget.signatureChecks} signature checks`);
  });
});

/** The exponent or modulus of an RFC 3110 §2 key field, base64url (for a JWK). */
function jwkPart(key: Uint8Array, part: 'e' | 'n'): string {
  const long = key[0] === 0;
  const eLen = long ? (key[1]! << 8) | key[2]! : key[0]!;
  const start = long ? 3 : 1;
  const bytes = part === 'e' ? key.subarray(start, start + eLen) : key.subarray(start + eLen);
  return Buffer.from(bytes).toString('base64url');
}
