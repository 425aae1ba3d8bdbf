/**
 * The one file under resolver/ that touches node:crypto (as Unbound's val_secalgo.c): DNSKEY import, RRSIG
 * signature verification, DS digests and the NSEC3 iterated hash.
 *
 * DNSKEY public keys become KeyObjects through JWK, built by hand from the DNS key formats:
 *   RSA    RFC 3110 §2: exponent length (1 octet, or 0 then 2 octets), exponent, modulus.
 *   ECDSA  RFC 6605 §4: Q = x | y, 32 octets each for P-256, 48 for P-384; signatures r | s (IEEE P1363).
 *   EdDSA  RFC 8080 §3: the raw 32 (Ed25519) or 57 (Ed448) octet public key; signatures 64 / 114 octets.
 * Imported KeyObjects are cached: a WeakMap on the DNSKEY RDATA array (the key cache hands the same RR objects
 * back) in front of a bounded LRU keyed by the key bytes.
 */
import { createHash, createPublicKey, hash, verify as cryptoVerify, constants, type JsonWebKey, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { DEFAULT_POLICY, type ValidationPolicy } from './policy.js';

/** DNSSEC algorithm numbers (IANA "DNS Security Algorithm Numbers"). */
export const ALG = {
  RSAMD5: 1, DH: 2, DSA: 3, RSASHA1: 5, DSA_NSEC3_SHA1: 6, RSASHA1_NSEC3_SHA1: 7, RSASHA256: 8, RSASHA512: 10,
  ECC_GOST: 12, ECDSAP256SHA256: 13, ECDSAP384SHA384: 14, ED25519: 15, ED448: 16, PRIVATEDNS: 253, PRIVATEOID: 254,
} as const;

/** DS digest types (IANA "Delegation Signer (DS) Resource Record (RR) Type Digest Algorithms"). */
export const DIGEST = { SHA1: 1, SHA256: 2, GOST: 3, SHA384: 4 } as const;

type Scheme =
  | { kind: 'rsa'; hash: 'sha1' | 'sha256' | 'sha512' }
  | { kind: 'ecdsa'; hash: 'sha256' | 'sha384'; crv: 'P-256' | 'P-384'; size: number }
  | { kind: 'eddsa'; crv: 'Ed25519' | 'Ed448'; keySize: number; sigSize: number };

/**
 * The algorithms daneel validates (RFC 8624 §3.1 "MUST"/"RECOMMENDED" validation set). RSAMD5 (1) and DSA (3)
 * MUST NOT be validated (RFC 8624 §3.1); 6 and 12 are not implemented; anything else is unknown. RFC 4035 §5.2 /
 * RFC 6840 §5.2: a zone signed only with algorithms we do not support is treated as insecure, not bogus.
 */
const SCHEMES: ReadonlyMap<number, Scheme> = new Map<number, Scheme>([
  [ALG.RSASHA1, { kind: 'rsa', hash: 'sha1' }],
  [ALG.RSASHA1_NSEC3_SHA1, { kind: 'rsa', hash: 'sha1' }],
  [ALG.RSASHA256, { kind: 'rsa', hash: 'sha256' }],
  [ALG.RSASHA512, { kind: 'rsa', hash: 'sha512' }],
  [ALG.ECDSAP256SHA256, { kind: 'ecdsa', hash: 'sha256', crv: 'P-256', size: 32 }],
  [ALG.ECDSAP384SHA384, { kind: 'ecdsa', hash: 'sha384', crv: 'P-384', size: 48 }],
  [ALG.ED25519, { kind: 'eddsa', crv: 'Ed25519', keySize: 32, sigSize: 64 }],
  [ALG.ED448, { kind: 'eddsa', crv: 'Ed448', keySize: 57, sigSize: 114 }],
]);

/** True when daneel validates signatures of this algorithm under `policy` (allowSha1 = false drops 5 and 7). */
export function isSupportedAlgorithm(alg: number, policy: ValidationPolicy = DEFAULT_POLICY): boolean {
  const scheme = SCHEMES.get(alg);
  if (scheme === undefined) return false;
  if (scheme.kind === 'rsa' && scheme.hash === 'sha1' && !policy.allowSha1) return false;
  return true;
}

/** Algorithm numbers daneel can verify, whatever the policy (for benchmarks and diagnostics). */
export const IMPLEMENTED_ALGORITHMS: readonly number[] = [...SCHEMES.keys()];

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');

const MAX_RSA_OCTETS = 4096 / 8;

/**
 * Largest RSA public exponent accepted, in bits. RFC 3110 §2 allows up to 4096 bits, but the cost of a
 * verification grows with the exponent's length: a 3064-bit exponent makes each check ~140 times slower than
 * 65537 (bench/hostile-cpu.ts), so a zone could spend a client's whole signature budget in seconds of CPU.
 * Signers use 65537 (BIND, Knot, ldns, OpenSSL's default); the widest in use we know of is .lv's KSK at
 * 2^32 + 1 (33 bits, which broke validators capped at 2^31 − 1). 64 bits is OpenSSL's own cap
 * (OPENSSL_RSA_MAX_PUBEXP_BITS, applied to moduli above 3072 bits): at most about 4× the cost of 65537.
 */
export const MAX_RSA_EXPONENT_BITS = 64;

interface RsaParts { e: Uint8Array; n: Uint8Array }

/** RFC 3110 §2 public key field split into exponent and modulus (leading zeros dropped); undefined if malformed. */
function rsaParts(key: Uint8Array): RsaParts | undefined {
  if (key.length < 1) return undefined;
  let expLen = key[0]!;
  let pos = 1;
  if (expLen === 0) {
    // "If the first octet is zero, the exponent length is in the next two octets" (RFC 3110 §2).
    if (key.length < 3) return undefined;
    expLen = (key[1]! << 8) | key[2]!;
    pos = 3;
  }
  if (expLen === 0 || pos + expLen >= key.length) return undefined;
  let e = key.subarray(pos, pos + expLen);
  while (e.length > 1 && e[0] === 0) e = e.subarray(1);
  let n = key.subarray(pos + expLen);
  while (n.length > 1 && n[0] === 0) n = n.subarray(1);
  return { e, n };
}

function bitLength(bigEndian: Uint8Array): number {
  const top = bigEndian[0] ?? 0;
  return top === 0 ? 0 : (bigEndian.length - 1) * 8 + (32 - Math.clz32(top));
}

/** RFC 3110 §2 public key → JWK; undefined when the lengths do not add up, a part is empty, or a part is too long. */
function rsaJwk(key: Uint8Array): JsonWebKey | undefined {
  const parts = rsaParts(key);
  if (parts === undefined) return undefined;
  const { e, n } = parts;
  // RFC 3110 §2: "the exponent and modulus are each limited to 4096 bits in length"; MAX_RSA_EXPONENT_BITS is ours.
  if (bitLength(e) > MAX_RSA_EXPONENT_BITS || n.length > MAX_RSA_OCTETS) return undefined;
  return { kty: 'RSA', n: b64url(n), e: b64url(e) };
}

/**
 * Why daneel refuses to use a well-formed DNSKEY whose algorithm it supports, or undefined when it does not:
 * an RSA key with an exponent longer than MAX_RSA_EXPONENT_BITS. Such a key is treated like one of an
 * unsupported algorithm (RFC 4035 §5.2), never tried, so it costs no signature check.
 */
export function refusedKeyReason(dnskeyRdata: Uint8Array): string | undefined {
  if (dnskeyRdata.length < 5) return undefined;
  const scheme = SCHEMES.get(dnskeyRdata[3]!);
  if (scheme?.kind !== 'rsa') return undefined;
  const parts = rsaParts(dnskeyRdata.subarray(4));
  if (parts === undefined) return undefined;
  const bits = bitLength(parts.e);
  if (bits <= MAX_RSA_EXPONENT_BITS) return undefined;
  return `RSA public exponent of ${bits} bits exceeds MAX_RSA_EXPONENT_BITS (${MAX_RSA_EXPONENT_BITS})`;
}

function jwkFor(scheme: Scheme, key: Uint8Array): JsonWebKey | undefined {
  switch (scheme.kind) {
    case 'rsa':
      return rsaJwk(key);
    case 'ecdsa':
      // RFC 6605 §4: the point Q as x | y, no leading 0x04 octet.
      if (key.length !== 2 * scheme.size) return undefined;
      return { kty: 'EC', crv: scheme.crv, x: b64url(key.subarray(0, scheme.size)), y: b64url(key.subarray(scheme.size)) };
    case 'eddsa':
      if (key.length !== scheme.keySize) return undefined;
      return { kty: 'OKP', crv: scheme.crv, x: b64url(key) };
  }
}

/** Cache entry: a KeyObject, or null for key bytes that do not import (so garbage is not re-parsed). */
type Imported = KeyObject | null;
const byRdata = new WeakMap<Uint8Array, Imported>();
/** Bounded by entry count: a KeyTrap-style flood of distinct keys evicts old ones instead of growing memory. */
const byBytes = new LRUCache<string, { key: KeyObject | null }>({ max: 4096 });

function importKey(scheme: Scheme, alg: number, key: Uint8Array): Imported {
  const cacheKey = `${alg}:${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('base64')}`;
  const hit = byBytes.get(cacheKey);
  if (hit !== undefined) return hit.key;
  const jwk = jwkFor(scheme, key);
  let imported: Imported = null;
  if (jwk !== undefined) {
    try {
      imported = createPublicKey({ key: jwk, format: 'jwk' });
    } catch {
      imported = null; // Not a valid point / key: such a DNSKEY can verify nothing.
    }
  }
  byBytes.set(cacheKey, { key: imported });
  return imported;
}

/** The KeyObject for a DNSKEY RDATA (flags | protocol | algorithm | public key), cached; null when unusable. */
function keyForDnskey(scheme: Scheme, dnskeyRdata: Uint8Array): Imported {
  const cached = byRdata.get(dnskeyRdata);
  if (cached !== undefined) return cached;
  const imported = importKey(scheme, dnskeyRdata[3]!, dnskeyRdata.subarray(4));
  byRdata.set(dnskeyRdata, imported);
  return imported;
}

/**
 * Verifies `signature` over `data` with the public key in a DNSKEY RDATA, using the DNSKEY's algorithm.
 * False for a bad signature, an unusable key, a wrong-sized signature, or an algorithm not implemented here
 * (callers check isSupportedAlgorithm first, to tell "unsupported" from "bogus").
 */
export function verifyWithDnskey(dnskeyRdata: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  if (dnskeyRdata.length < 5) return false;
  const scheme = SCHEMES.get(dnskeyRdata[3]!);
  if (scheme === undefined) return false;
  const key = keyForDnskey(scheme, dnskeyRdata);
  if (key === null) return false;
  return verifyWithKey(scheme, key, data, signature);
}

function verifyWithKey(scheme: Scheme, key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (scheme.kind) {
      case 'rsa':
        return cryptoVerify(scheme.hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      case 'ecdsa':
        // RFC 6605 §4: the signature is r | s, each exactly `size` octets.
        if (signature.length !== 2 * scheme.size) return false;
        return cryptoVerify(scheme.hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
      case 'eddsa':
        if (signature.length !== scheme.sigSize) return false;
        return cryptoVerify(null, data, key, signature);
    }
  } catch {
    return false; // OpenSSL rejects malformed input by throwing; for DNSSEC that is simply "does not verify".
  }
}

/** DS digest types daneel computes: SHA-1 (1, only with allowSha1), SHA-256 (2), SHA-384 (4). GOST (3) is not. */
export function isSupportedDigest(type: number, policy: ValidationPolicy = DEFAULT_POLICY): boolean {
  if (type === DIGEST.SHA1) return policy.allowSha1;
  return type === DIGEST.SHA256 || type === DIGEST.SHA384;
}

const DIGEST_NAMES: ReadonlyMap<number, string> = new Map([[DIGEST.SHA1, 'sha1'], [DIGEST.SHA256, 'sha256'], [DIGEST.SHA384, 'sha384']]);

/** Digest of the concatenated parts for a DS digest type; undefined when the type is not implemented. */
export function dsDigestOf(type: number, parts: readonly Uint8Array[]): Uint8Array | undefined {
  const name = DIGEST_NAMES.get(type);
  if (name === undefined) return undefined;
  const h = createHash(name);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/**
 * RFC 5155 §5 iterated hash with SHA-1 (hash algorithm 1):
 *   IH(salt, x, 0) = H(x || salt);  IH(salt, x, k) = H(IH(salt, x, k-1) || salt)
 * returning IH(salt, input, iterations).
 */
export function sha1Iterated(input: Uint8Array, salt: Uint8Array, iterations: number): Uint8Array {
  // crypto.hash (one-shot, no Hash object per round) is about 1.7x faster than createHash here: NSEC3 hashing
  // is attacker-driven work (CVE-2023-50868), so each round reuses one buffer laid out as digest | salt.
  const first = new Uint8Array(input.length + salt.length);
  first.set(input);
  first.set(salt, input.length);
  let h = hash('sha1', first, 'buffer');
  const round = new Uint8Array(SHA1_LENGTH + salt.length);
  round.set(salt, SHA1_LENGTH);
  for (let i = 0; i < iterations; i++) {
    round.set(h);
    h = hash('sha1', round, 'buffer');
  }
  return new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
}

const SHA1_LENGTH = 20;
