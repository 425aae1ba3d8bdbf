/**
 * Inputs that cost CPU, shared by the hostile tests and `npm run bench:hostile`: a client or an upstream can
 * send each of them, so each must stay within a named limit.
 */
import { createHash, generateKeyPairSync, generatePrimeSync, randomBytes } from 'node:crypto';

/**
 * A message of about 64 KB whose owner names each follow a long chain of backward compression pointers: an
 * opaque RDATA holds `chainLength` pointers, each pointing at the one before it (the first at a root label),
 * and every following RR's owner name points at the top of the chain. Without a bound on jumps, decoding costs
 * chainLength × RR count pointer steps (about 16 000 × 2 700 = 44 million here).
 */
export function decompressionBomb(chainLength = 16_000): Uint8Array {
  const HEADER = 12;
  const out: number[] = new Array<number>(HEADER).fill(0);
  // Question: the root, type NULL (10), class IN.
  out.push(0, 0, 10, 0, 1);
  // First RR: owner root, type NULL, class IN, TTL 0, RDATA = [0 (root label), chain of pointers].
  out.push(0, 0, 10, 0, 1, 0, 0, 0, 0);
  const rdlenAt = out.length;
  out.push(0, 0);
  const rdataStart = out.length;
  out.push(0); // a root label the first pointer lands on
  let previous = rdataStart;
  for (let i = 0; i < chainLength; i++) {
    const here = out.length;
    out.push(0xc0 | (previous >> 8), previous & 0xff);
    previous = here;
  }
  const rdlen = out.length - rdataStart;
  out[rdlenAt] = rdlen >> 8;
  out[rdlenAt + 1] = rdlen & 0xff;
  // Then as many RRs as fit in 65535 octets, each owned by a pointer to the top of the chain.
  let count = 1;
  while (out.length + 12 <= 65_535) {
    out.push(0xc0 | (previous >> 8), previous & 0xff, 0, 10, 0, 1, 0, 0, 0, 0, 0, 0);
    count++;
  }
  out[2] = 0x81; // QR + RD: a response as an upstream would send it (a client query has QR clear)
  out[3] = 0x80;
  out[5] = 1;
  out[6] = count >> 8;
  out[7] = count & 0xff;
  return Uint8Array.from(out);
}

/** The same bomb dressed as a client query (QR clear) so the server's decoder meets it. */
export function decompressionBombQuery(chainLength = 16_000): Uint8Array {
  const q = decompressionBomb(chainLength);
  q[2] = 0x01;
  q[3] = 0x00;
  return q;
}

/** An RFC 3110 §2 RSA public key field: exponent length (1 octet, or 0 and 2 octets), exponent, modulus. */
export function rsaPublicKeyField(exponent: Uint8Array, modulus: Uint8Array): Uint8Array {
  const head = exponent.length < 256 ? [exponent.length] : [0, exponent.length >> 8, exponent.length & 0xff];
  return Uint8Array.from([...head, ...exponent, ...modulus]);
}

/** DNSKEY RDATA (zone key, protocol 3) for an algorithm and public key field. */
export function dnskeyRdata(algorithm: number, publicKey: Uint8Array, flags = 0x0101): Uint8Array {
  return Uint8Array.from([flags >> 8, flags & 0xff, 3, algorithm, ...publicKey]);
}

/** A modulus from a real key pair (odd and well formed); 4096 bits is the largest RFC 3110 §2 allows. */
export function rsaModulus(bits = 2048): Uint8Array {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const jwk = publicKey.export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(jwk.n!, 'base64url'));
}

/** An odd exponent of `octets` octets with the top bit set: the cost of RSA verification grows with its bits. */
export function bigExponent(octets: number): Uint8Array {
  const e = new Uint8Array(octets).fill(0xa5);
  e[0] = 0xff;
  e[octets - 1] = 0x01 | e[octets - 1]!;
  return e;
}

/** The exponent 65537 every signer uses (BIND, Knot, ldns, OpenSSL default). */
export const F4 = Uint8Array.from([1, 0, 1]);

// ---------------------------------------------------------------------------------------------------------------
// RSA keys with any public exponent (node:crypto only generates exponents below 2^32), for real signatures
// ---------------------------------------------------------------------------------------------------------------

const toBig = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`));

function toBytes(v: bigint, length?: number): Uint8Array {
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const raw = Buffer.from(hex, 'hex');
  if (length === undefined || raw.length >= length) return new Uint8Array(raw);
  const out = new Uint8Array(length);
  out.set(raw, length - raw.length);
  return out;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
  }
  return result;
}

function modInverse(a: bigint, m: bigint): bigint | undefined {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) return undefined;
  return ((oldS % m) + m) % m;
}

export interface RawRsaKey {
  /** RFC 3110 §2 public key field. */
  publicKey: Uint8Array;
  exponentBits: number;
  /** RSASSA-PKCS1-v1_5 with SHA-256 (RFC 5702 §3), computed with BigInt. */
  signSha256(data: Uint8Array): Uint8Array;
}

/** DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * An RSA key of `bits` with public exponent `e`, or, for 'huge', a random odd exponent just below the modulus.
 * Primes come from node:crypto; the private exponent is e⁻¹ mod (p−1)(q−1).
 */
export function rsaKeyWithExponent(e: bigint | 'huge', bits = 2048): RawRsaKey {
  for (;;) {
    const p = generatePrimeSync(bits / 2, { bigint: true });
    const q = generatePrimeSync(bits / 2, { bigint: true });
    const n = p * q;
    const phi = (p - 1n) * (q - 1n);
    const exp = e === 'huge' ? (toBig(randomBytes(bits / 8 - 1)) | 1n | (1n << BigInt(bits - 9))) : e;
    const d = modInverse(exp, phi);
    if (d === undefined) continue;
    const nBytes = toBytes(n);
    const eBytes = toBytes(exp);
    const head = eBytes.length < 256 ? [eBytes.length] : [0, eBytes.length >> 8, eBytes.length & 0xff];
    return {
      publicKey: Uint8Array.from([...head, ...eBytes, ...nBytes]),
      exponentBits: exp.toString(2).length,
      signSha256(data: Uint8Array): Uint8Array {
        const t = Buffer.concat([SHA256_DIGEST_INFO, createHash('sha256').update(data).digest()]);
        const em = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(nBytes.length - t.length - 3, 0xff), Buffer.from([0]), t]);
        return toBytes(modPow(toBig(em), d, n), nBytes.length);
      },
    };
  }
}
