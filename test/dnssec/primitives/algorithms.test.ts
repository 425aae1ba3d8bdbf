/** Key formats and algorithm support: RFC 3110 exponent length forms, size limits, malformed keys and signatures. */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { T } from '../../../resolver/wire/types.js';
import { DEFAULT_POLICY } from '../../../resolver/dnssec/policy.js';
import { isSupportedAlgorithm, isSupportedDigest, verifyWithDnskey } from '../../../resolver/dnssec/algorithms.js';
import { keyTag } from '../../../resolver/dnssec/keytag.js';
import { verifyRrset } from '../../../resolver/dnssec/verify.js';
import { EDE } from '../../../resolver/dnssec/verdict.js';
import { generateKey, rawSign, rdata, rr, signRrset, type TestKey } from './support.js';

const NOW = Date.UTC(2026, 10, 26) / 1000;
const WINDOW = { inception: NOW - 3600, expiration: NOW + 3600 };
const b64u = (s: string | undefined): number[] => [...Buffer.from(s ?? '', 'base64url')];

/** An RSA key whose DNSKEY uses the RFC 3110 long form: 0, then a 2-octet exponent length. */
function rsaLongForm(bits: number): TestKey {
  const pair = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 });
  const jwk = pair.publicKey.export({ format: 'jwk' });
  const e = b64u(jwk.e);
  const pub = Uint8Array.from([0, e.length >> 8, e.length & 0xff, ...e, ...b64u(jwk.n)]);
  const dnskey = rr('example.org', T.DNSKEY, rdata.dnskey(256, 8, pub));
  return { algorithm: 8, privateKey: pair.privateKey, dnskey, keyTag: keyTag(dnskey.rdata) };
}

describe('RSA public key format (RFC 3110 §2)', () => {
  test('the 3-octet exponent length form (first octet 0) verifies', () => {
    const key = rsaLongForm(1024);
    const rrset = [rr('www.example.org', T.A, rdata.a('192.0.2.1'))];
    const r = verifyRrset({ rrset, rrsigs: [signRrset(rrset, key, WINDOW)], dnskeys: [key.dnskey], now: NOW });
    expect(r.status, r.reason).toBe('secure');
  });

  test('a modulus above 4096 bits verifies nothing', () => {
    const key = rsaLongForm(4160);
    const data = Uint8Array.from([1, 2, 3]);
    expect(verifyWithDnskey(key.dnskey.rdata, data, rawSign(key, data))).toBe(false);
  });

  test('truncated or empty RSA keys verify nothing, without throwing', () => {
    const data = Uint8Array.from([1, 2, 3]);
    for (const pub of [[], [3], [3, 1, 0, 1], [0, 0], [0, 0, 0, 5]]) {
      expect(verifyWithDnskey(rdata.dnskey(256, 8, Uint8Array.from(pub)), data, new Uint8Array(128))).toBe(false);
    }
  });
});

describe('ECDSA and EdDSA sizes (RFC 6605 §4, RFC 8080 §3)', () => {
  test.each([13, 14, 15, 16])('algorithm %i: wrong-length key or signature verifies nothing', (alg) => {
    const key = generateKey('example.org', alg);
    const data = Uint8Array.from([9, 9, 9]);
    const sig = rawSign(key, data);
    expect(verifyWithDnskey(key.dnskey.rdata, data, sig)).toBe(true);
    expect(verifyWithDnskey(key.dnskey.rdata, data, sig.subarray(1))).toBe(false);
    expect(verifyWithDnskey(key.dnskey.rdata, data, Uint8Array.from([...sig, 0]))).toBe(false);
    const shortKey = key.dnskey.rdata.subarray(0, key.dnskey.rdata.length - 1);
    expect(verifyWithDnskey(shortKey, data, sig)).toBe(false);
  });

  test('an ECDSA point not on the curve is unusable: bogus EDE 6, not an exception', () => {
    const pub = new Uint8Array(64).fill(7);
    const dnskey = rr('example.org', T.DNSKEY, rdata.dnskey(256, 13, pub));
    const rrset = [rr('www.example.org', T.A, rdata.a('192.0.2.1'))];
    const sig = rr('www.example.org', T.RRSIG, rdata.rrsig({ typeCovered: T.A, algorithm: 13, labels: 3, originalTtl: 3600, ...WINDOW,
      keyTag: keyTag(dnskey.rdata), signer: 'example.org', signature: new Uint8Array(64).fill(1) }));
    expect(verifyRrset({ rrset, rrsigs: [sig], dnskeys: [dnskey], now: NOW })).toMatchObject({ status: 'bogus', ede: EDE.DNSSEC_BOGUS });
  });

  test('a cached key is found again for equal key bytes in another RR object', () => {
    const key = generateKey('example.org', 15);
    const data = Uint8Array.from([1]);
    const sig = rawSign(key, data);
    expect(verifyWithDnskey(key.dnskey.rdata, data, sig)).toBe(true);
    expect(verifyWithDnskey(key.dnskey.rdata.slice(), data, sig)).toBe(true);
  });
});

describe('support tables (RFC 8624 §3.1, §3.3)', () => {
  test('algorithms', () => {
    expect([5, 7, 8, 10, 13, 14, 15, 16].every((a) => isSupportedAlgorithm(a))).toBe(true);
    expect([0, 1, 2, 3, 4, 6, 9, 11, 12, 17, 252, 253, 254, 255].some((a) => isSupportedAlgorithm(a))).toBe(false);
    const noSha1 = { ...DEFAULT_POLICY, allowSha1: false };
    expect([5, 7].some((a) => isSupportedAlgorithm(a, noSha1))).toBe(false);
    expect(isSupportedAlgorithm(8, noSha1)).toBe(true);
  });

  test('DS digest types', () => {
    expect([1, 2, 4].every((d) => isSupportedDigest(d))).toBe(true);
    expect([0, 3, 5, 255].some((d) => isSupportedDigest(d))).toBe(false);
    expect(isSupportedDigest(1, { ...DEFAULT_POLICY, allowSha1: false })).toBe(false);
  });
});
