/**
 * Published test vectors: RFC 5702 §6, RFC 6605 §6, RFC 8080 §6 (as corrected by Errata ID 4935), RFC 4034 §5.4
 * and App. B, RFC 5155 App. A. Each runs through verifyRrset with `now` inside the example's validity window.
 */
import { describe, expect, test } from 'vitest';
import { T } from '../../../resolver/wire/types.js';
import { EDE } from '../../../resolver/dnssec/verdict.js';
import { verifyRrset } from '../../../resolver/dnssec/verify.js';
import { keyTag } from '../../../resolver/dnssec/keytag.js';
import { dsDigest, dsMatchesDnskey } from '../../../resolver/dnssec/ds.js';
import { nsec3Hash } from '../../../resolver/dnssec/nsec3-hash.js';
import { toBase32Hex } from '../../../resolver/wire/encoding.js';
import { b64, hex, n, rdata, rr, time } from './support.js';

interface Vector {
  owner: string;
  rrData: Uint8Array;
  type: number;
  zone: string;
  flags: number;
  algorithm: number;
  publicKey: string;
  keyTag: number;
  labels: number;
  inception: number;
  expiration: number;
  signature: string;
  ds?: { digestType: number; digest: string };
}

function check(v: Vector): void {
  const dnskey = rr(v.zone, T.DNSKEY, rdata.dnskey(v.flags, v.algorithm, b64(v.publicKey)));
  expect(keyTag(dnskey.rdata)).toBe(v.keyTag);
  const data = rr(v.owner, v.type, v.rrData, 3600);
  const sig = rr(v.owner, T.RRSIG, rdata.rrsig({
    typeCovered: v.type, algorithm: v.algorithm, labels: v.labels, originalTtl: 3600,
    expiration: v.expiration, inception: v.inception, keyTag: v.keyTag, signer: v.zone, signature: b64(v.signature),
  }));
  const now = v.inception + 86400;
  const result = verifyRrset({ rrset: [data], rrsigs: [sig], dnskeys: [dnskey], now });
  expect(result.status, result.reason).toBe('secure');
  expect(result.keyTag).toBe(v.keyTag);
  expect(result.wildcard).toBeUndefined();
  if (v.ds) {
    expect(Buffer.from(dsDigest(n(v.zone), dnskey.rdata, v.ds.digestType)!).toString('hex')).toBe(v.ds.digest);
    const ds = rr(v.zone, T.DS, Uint8Array.from([v.keyTag >> 8, v.keyTag & 0xff, v.algorithm, v.ds.digestType, ...hex(v.ds.digest)]));
    expect(dsMatchesDnskey(ds, dnskey)).toBe('match');
  }
  // The same vector one bit off fails with EDE 6.
  const flipped = b64(v.signature);
  flipped[flipped.length >> 1]! ^= 0x01;
  const bad = rr(v.owner, T.RRSIG, rdata.rrsig({
    typeCovered: v.type, algorithm: v.algorithm, labels: v.labels, originalTtl: 3600,
    expiration: v.expiration, inception: v.inception, keyTag: v.keyTag, signer: v.zone, signature: flipped,
  }));
  const failed = verifyRrset({ rrset: [data], rrsigs: [bad], dnskeys: [dnskey], now });
  expect(failed.status).toBe('bogus');
  expect(failed.ede).toBe(EDE.DNSSEC_BOGUS);
}

describe('RFC 5702 §6 RSA/SHA-2', () => {
  const common = { owner: 'www.example.net', rrData: rdata.a('192.0.2.91'), type: T.A, zone: 'example.net', flags: 256, labels: 3,
    inception: time('20000101000000'), expiration: time('20300101000000') };

  test('RFC 5702 §6.1 RSA/SHA-256 example', () => check({
    ...common, algorithm: 8, keyTag: 9033,
    publicKey: 'AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8PkxUdp6p/DlUmObdk=',
    signature: 'kRCOH6u7l0QGy9qpC9l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNEacFYK/lPtPiVYP4bwg==',
  }));

  test('RFC 5702 §6.2 RSA/SHA-512 example', () => check({
    ...common, algorithm: 10, keyTag: 3740,
    publicKey: `AwEAAdHoNTOW+et86KuJOWRDp1pndvwb6Y83nSVXXyLA3DLroROUkN6X0O6p nWnjJQujX/AyhqFDxj13tOnD9u/1kTg7cV6rklMrZDtJCQ5PCl/D7QNPsgVs
      Mu1J2Q8gpMpztNFLpPBz1bWXjDtaR7ZQBlZ3PFY12ZTSncorffcGmhOL`,
    signature: `tsb4wnjRUDnB1BUi+t6TMTXThjVnG+eCkWqjvvjhzQL1d0YRoOe0CbxrVDYd0xDtsuJRaeUw1ep94PzEWzr0iGYgZBWm/zpq+9fOuagYJRfDqfReKBzM
      weOLDiNa8iP5g9vMhpuv6OPlvpXwm9Sa9ZXIbNl1MBGk0fthPgxdDLw=`,
  }));
});

describe('RFC 6605 §6 ECDSA', () => {
  const common = { owner: 'www.example.net', rrData: rdata.a('192.0.2.1'), type: T.A, zone: 'example.net', flags: 257, labels: 3 };

  test('RFC 6605 §6.1 P-256 example', () => check({
    ...common, algorithm: 13, keyTag: 55648, inception: time('20100812100439'), expiration: time('20100909100439'),
    publicKey: 'GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==',
    signature: 'qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==',
    ds: { digestType: 2, digest: 'b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17' },
  }));

  test('RFC 6605 §6.2 P-384 example', () => check({
    ...common, algorithm: 14, keyTag: 10771, inception: time('20100812102025'), expiration: time('20100909102025'),
    publicKey: 'xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40',
    signature: '/L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP95hxQouuroGCeZOvzFaxsT8Glr74hbavRKayJNuydCuzWTSSPdz7wnqXL5bdcJzusdnI0RSMROxxwGipWcJm',
    ds: { digestType: 4, digest: '72d7b62976ce06438e9c0bf319013cf801f09ecc84b8d7e9495f27e305c6a9b0563a9b5f4d288405c3008a946df983d6' },
  }));
});

describe('RFC 8080 §6 EdDSA (RRSIGs as corrected by Errata ID 4935: algorithm field present, labels 2)', () => {
  const common = { owner: 'example.com', rrData: rdata.mx(10, 'mail.example.com'), type: T.MX, zone: 'example.com', flags: 257,
    labels: 2, inception: 1438207200, expiration: 1440021600 };

  test('RFC 8080 §6.1 Ed25519 example 1', () => check({
    ...common, algorithm: 15, keyTag: 3613, publicKey: 'l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=',
    signature: 'oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg==',
    ds: { digestType: 2, digest: '3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b' },
  }));

  test('RFC 8080 §6.1 Ed25519 example 2', () => check({
    ...common, algorithm: 15, keyTag: 35217, publicKey: 'zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=',
    signature: 'zXQ0bkYgQTEFyfLyi9QoiY6D8ZdYo4wyUhVioYZXFdT410QPRITQSqJSnzQoSm5poJ7gD7AQR0O7KuI5k2pcBg==',
    ds: { digestType: 2, digest: '401781b934e392de492ec77ae2e15d70f6575a1c0bc59c5275c04ebe80c6614c' },
  }));

  test('RFC 8080 §6.2 Ed448 example 1', () => check({
    ...common, algorithm: 16, keyTag: 9713,
    publicKey: '3kgROaDjrh0H2iuixWBrc8g2EpBBLCdGzHmn+G2MpTPhpj/OiBVHHSfPodx1FYYUcJKm1MDpJtIA',
    signature: `3cPAHkmlnxcDHMyg7vFC34l0blBhuG1qpwLmjInI8w1CMB29FkEAIJUA0amxWndkmnBZ6SKiwZSAxGILn/NBtOXft0+Gj7FSvOKxE/07+4RQvE581N3Aj/
      JtIyaiYVdnYtyMWbSNyGEY2213WKsJlwEA`,
    ds: { digestType: 2, digest: '6ccf18d5bc5d7fc2fceb1d59d17321402f2aa8d368048db93dd811f5cb2b19c7' },
  }));

  test('RFC 8080 §6.2 Ed448 example 2', () => check({
    ...common, algorithm: 16, keyTag: 38353,
    publicKey: 'kkreGWoccSDmUBGAe7+zsbG6ZAFQp+syPmYUurBRQc3tDjeMCJcVMRDmgcNLp5HlHAMy12VoISsA',
    signature: `E1/oLjSGIbmLny/4fcgM1z4oL6aqo+izT3urCyHyvEp4Sp8Syg1eI+lJ57CSnZqjJP41O/9l4m0AsQ4f7qI1gVnML8vWWiyW2KXhT9kuAICUSxv5OWbf81
      Rq7Yu60npabODB0QFPb/rkW3kUZmQ0YQUA`,
    ds: { digestType: 2, digest: '645ff078b3568f5852b70cb60e8e696cc77b75bfaaffc118cf79cbda1ba28af4' },
  }));

  test('RFC 8080 §6.1 original (uncorrected) RRSIG, labels 3, does not verify', () => {
    // The published text signed with a labels count of 3 (Errata ID 4935); labels 3 > 2 owner labels is bogus.
    const dnskey = rr('example.com', T.DNSKEY, rdata.dnskey(257, 15, b64('l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=')));
    const sig = rr('example.com', T.RRSIG, rdata.rrsig({ typeCovered: T.MX, algorithm: 15, labels: 3, originalTtl: 3600,
      expiration: 1440021600, inception: 1438207200, keyTag: 3613, signer: 'example.com',
      signature: b64('Edk+IB9KNNWg0HAjm7FazXyrd5m3Rk8zNZbvNpAcM+eysqcUOMIjWoevFkjH5GaMWeG96GUVZu6ECKOQmemHDg==') }));
    const result = verifyRrset({ rrset: [rr('example.com', T.MX, rdata.mx(10, 'mail.example.com'))], rrsigs: [sig], dnskeys: [dnskey], now: 1438300000 });
    expect(result.status).toBe('bogus');
    expect(result.id).toBe('V006');
  });
});

describe('RFC 4034 key tag and DS examples', () => {
  const dskey = rr('dskey.example.com', T.DNSKEY, rdata.dnskey(256, 5, b64(`AQOeiiR0GOMYkDshWoSKz9Xz fwJr1AYtsmx3TGkJaNXVbfi/
    2pHm822aJ5iI9BMzNXxeYCmZ DRD99WYwYqUSdjMmmAphXdvx egXd/M5+X7OrzKBaMbCVdFLU Uh6DhweJBjEVv5f2wwjM9Xzc nOf+EPbtG9DMBmADjFDc2w/r
    ljwvFw==`)), 86400);

  test('RFC 4034 §5.4 / App. B key tag 60485', () => {
    expect(keyTag(dskey.rdata)).toBe(60485);
  });

  test('RFC 4034 §5.4 DS example: SHA-1 digest 2BB183AF…', () => {
    expect(Buffer.from(dsDigest(n('dskey.example.com'), dskey.rdata, 1)!).toString('hex').toUpperCase()).toBe('2BB183AF5F22588179A53B0A98631FAD1A292118');
    const ds = rr('dskey.example.com', T.DS, Uint8Array.from([60485 >> 8, 60485 & 0xff, 5, 1, ...hex('2BB183AF5F22588179A53B0A98631FAD1A292118')]));
    expect(dsMatchesDnskey(ds, dskey)).toBe('match');
    // DS owner is compared case-insensitively; the digest uses the canonical (lowercase) owner.
    expect(dsMatchesDnskey({ ...ds, name: n('DSKEY.Example.COM') }, dskey)).toBe('match');
    expect(dsMatchesDnskey(ds, dskey, { allowSha1: false, clockSkewSeconds: 0, maxNsec3Iterations: 150 })).toBe('unsupported');
  });

  test('RFC 4034 App. B.1 algorithm 1 key tag: bits of the modulus', () => {
    // Key tag = the 3rd- and 2nd-to-last octets of the RDATA (most significant 16 of the low 24 modulus bits).
    const key = rdata.dnskey(257, 1, Uint8Array.from([1, 3, 0xde, 0xad, 0xbe, 0xef, 0x12, 0x34, 0x56]));
    expect(keyTag(key)).toBe(0x1234);
  });
});

describe('RFC 5155 Appendix A NSEC3 hashes (salt aabbccdd, 12 iterations)', () => {
  const salt = hex('aabbccdd');
  const cases: Array<[string, string]> = [
    ['example', '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom'],
    ['a.example', '35mthgpgcu1qg68fab165klnsnk3dpvl'],
    ['ai.example', 'gjeqe526plbf1g8mklp59enfd789njgi'],
    ['ns1.example', '2t7b4g4vsa5smi47k61mv5bv1a22bojr'],
    ['ns2.example', 'q04jkcevqvmu85r014c7dkba38o0ji5r'],
    ['w.example', 'k8udemvp1j2f7eg6jebps17vp3n8i58h'],
    ['*.w.example', 'r53bq7cc2uvmubfu5ocmm6pers9tk9en'],
    ['x.w.example', 'b4um86eghhds6nea196smvmlo4ors995'],
    ['y.w.example', 'ji6neoaepv8b5o6k4ev33abha8ht9fgc'],
    ['x.y.w.example', '2vptu5timamqttgl4luu9kg21e0aor3s'],
    ['xx.example', 't644ebqk9bibcna874givr6joj62mlhv'],
  ];
  for (const [name, hash] of cases) {
    test(`RFC 5155 App. A: H(${name}) = ${hash}`, () => {
      expect(toBase32Hex(nsec3Hash(n(name), salt, 12)).toLowerCase()).toBe(hash);
    });
  }

  test('hashing uses the canonical (lowercase) name', () => {
    expect(toBase32Hex(nsec3Hash(n('X.W.Example'), salt, 12)).toLowerCase()).toBe('b4um86eghhds6nea196smvmlo4ors995');
  });

  test('iterations outside the 16-bit field are refused', () => {
    expect(() => nsec3Hash(n('example'), salt, 65536)).toThrow(RangeError);
    expect(() => nsec3Hash(n('example'), salt, -1)).toThrow(RangeError);
  });
});
