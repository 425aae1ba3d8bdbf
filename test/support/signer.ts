/**
 * A test-only DNSSEC zone signer over node:crypto.
 *
 * It re-implements the RFC 4034 signed-data construction (§3.1.8.1, canonical form §6.2–§6.3), key tags
 * (Appendix B), DS digests (§5.1.4), the NSEC chain (§4) and the NSEC3 chain (RFC 5155 §7.1) independently of the
 * production code under resolver/, so signatures it makes are an independent check of the validator.
 * Pure apart from node:crypto: times are passed in, Ed25519 keys may be derived from a seed for repeatable tests.
 */
import {
  createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign as cryptoSign,
  type KeyObject,
} from 'node:crypto';
import { Name } from '../../resolver/wire/name.js';
import { CLASS_IN, T, type RR } from '../../resolver/wire/types.js';

// ---------------------------------------------------------------------------------------------------------------
// Records and RDATA builders
// ---------------------------------------------------------------------------------------------------------------

export const n = (text: string): Name => Name.parse(text.endsWith('.') ? text : `${text}.`);

export function rr(name: Name | string, type: number, rdata: Uint8Array, ttl = 3600): RR {
  return { name: typeof name === 'string' ? n(name) : name, type, class: CLASS_IN, ttl, rdata };
}

const u16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const nameWire = (name: Name | string): number[] => [...(typeof name === 'string' ? n(name) : name).wire];

export const rdata = {
  a: (ip: string): Uint8Array => Uint8Array.from(ip.split('.').map(Number)),
  aaaa: (ip: string): Uint8Array => {
    const [head, tail] = ip.split('::') as [string, string | undefined];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
    return Uint8Array.from(groups.flatMap((g) => u16(parseInt(g, 16))));
  },
  ns: (target: Name | string): Uint8Array => Uint8Array.from(nameWire(target)),
  cname: (target: Name | string): Uint8Array => Uint8Array.from(nameWire(target)),
  dname: (target: Name | string): Uint8Array => Uint8Array.from(nameWire(target)),
  mx: (pref: number, host: Name | string): Uint8Array => Uint8Array.from([...u16(pref), ...nameWire(host)]),
  txt: (...strings: string[]): Uint8Array =>
    Uint8Array.from(strings.flatMap((s) => { const b = [...Buffer.from(s)]; return [b.length, ...b]; })),
  soa: (mname: Name | string, rname: Name | string, serial = 1, minimum = 300): Uint8Array =>
    Uint8Array.from([...nameWire(mname), ...nameWire(rname), ...u32(serial), ...u32(7200), ...u32(3600), ...u32(1209600), ...u32(minimum)]),
  tlsa: (usage: number, selector: number, mtype: number, hex: string): Uint8Array =>
    Uint8Array.from([usage, selector, mtype, ...Buffer.from(hex, 'hex')]),
};

/** Type bit map (RFC 4034 §4.1.2), written here independently of resolver/wire/dnssec-rdata.ts. */
export function typeBitmap(types: Iterable<number>): Uint8Array {
  const sorted = [...new Set(types)].sort((a, b) => a - b);
  const out: number[] = [];
  for (let i = 0; i < sorted.length;) {
    const window = sorted[i]! >> 8;
    const octets: number[] = [];
    for (; i < sorted.length && sorted[i]! >> 8 === window; i++) {
      const low = sorted[i]! & 0xff;
      while (octets.length <= low >> 3) octets.push(0);
      octets[low >> 3]! |= 0x80 >> (low & 7);
    }
    out.push(window, octets.length, ...octets);
  }
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------------------------------
// Canonical form (RFC 4034 §6)
// ---------------------------------------------------------------------------------------------------------------

const lower = (b: number): number => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b);

/** Length of an uncompressed wire name starting at `off`. */
function wireNameLength(bytes: Uint8Array, off: number): number {
  let p = off;
  while (bytes[p]! !== 0) p += bytes[p]! + 1;
  return p + 1 - off;
}

function lowerNameAt(bytes: Uint8Array, off: number): number {
  const len = wireNameLength(bytes, off);
  for (let i = off; i < off + len; i++) bytes[i] = lower(bytes[i]!);
  return off + len;
}

/**
 * RFC 4034 §6.2 item 3 (as corrected by RFC 6840 §5.1: not NSEC): names embedded in the RDATA of these types
 * are lowercased. Only the types this signer is used with are decoded.
 */
export function canonicalRdata(type: number, data: Uint8Array): Uint8Array {
  const out = Uint8Array.from(data);
  switch (type) {
    case T.NS: case T.CNAME: case T.PTR: case T.DNAME: lowerNameAt(out, 0); break;
    case T.MX: lowerNameAt(out, 2); break;
    case T.SRV: lowerNameAt(out, 6); break;
    case T.SOA: lowerNameAt(out, lowerNameAt(out, 0)); break;
    case T.RRSIG: lowerNameAt(out, 18); break;
    default: break;
  }
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const len = Math.min(a.length, b.length);
  for (let i = 0; i < len; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Canonical name order (RFC 4034 §6.1), written out label by label from the right. */
export function canonicalNameCompare(a: Name, b: Name): number {
  const la = a.labels.map((l) => Uint8Array.from(l, lower)).reverse();
  const lb = b.labels.map((l) => Uint8Array.from(l, lower)).reverse();
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    const d = compareBytes(la[i]!, lb[i]!);
    if (d !== 0) return d;
  }
  return la.length - lb.length;
}

const lowerWire = (name: Name): Uint8Array => Uint8Array.from(name.wire, lower);

// ---------------------------------------------------------------------------------------------------------------
// Keys, key tags, DS
// ---------------------------------------------------------------------------------------------------------------

export const ALG = { RSASHA1: 5, RSASHA1_NSEC3: 7, RSASHA256: 8, RSASHA512: 10, ECDSAP256: 13, ECDSAP384: 14, ED25519: 15, ED448: 16, PRIVATE: 253 } as const;
export const DIGEST = { SHA1: 1, SHA256: 2, SHA384: 4 } as const;

export interface TestKey {
  zone: Name;
  flags: number;
  algorithm: number;
  keyTag: number;
  /** The DNSKEY RR (owner = zone). */
  dnskey: RR;
  /** Signs the signed-data bytes with this key; a PRIVATE (253) key returns random bytes. */
  signData(data: Uint8Array): Uint8Array;
}

export interface KeyOptions {
  algorithm?: number;
  /** 257 (KSK, SEP) or 256 (ZSK); default 257. */
  flags?: number;
  /** Ed25519 only: 32-byte seed (or a string hashed to one) for a repeatable key. */
  seed?: Uint8Array | string;
  /** RSA modulus length, default 2048. */
  rsaBits?: number;
  ttl?: number;
}

/** RFC 4034 Appendix B key tag (algorithm 1 is not supported here). */
export function keyTagOf(dnskeyRdata: Uint8Array): number {
  let ac = 0;
  for (let i = 0; i < dnskeyRdata.length; i++) ac += i & 1 ? dnskeyRdata[i]! : dnskeyRdata[i]! << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

const b64u = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'base64url');

function publicKeyBytes(algorithm: number, pub: KeyObject): Uint8Array {
  const jwk = pub.export({ format: 'jwk' });
  if (algorithm === ALG.ED25519 || algorithm === ALG.ED448) return b64u(jwk.x);
  if (algorithm === ALG.ECDSAP256 || algorithm === ALG.ECDSAP384) return Buffer.concat([b64u(jwk.x), b64u(jwk.y)]);
  // RFC 3110 §2: exponent length (1 octet, or 0 then 2 octets), exponent, modulus.
  const e = b64u(jwk.e);
  const mod = b64u(jwk.n);
  const len = e.length < 256 ? [e.length] : [0, ...u16(e.length)];
  return Buffer.concat([Buffer.from(len), e, mod]);
}

function privateKeyFor(algorithm: number, opts: KeyOptions): KeyObject {
  switch (algorithm) {
    case ALG.ED25519: {
      if (opts.seed === undefined) return generateKeyPairSync('ed25519').privateKey;
      const seed = typeof opts.seed === 'string' ? createHash('sha256').update(opts.seed).digest() : Buffer.from(opts.seed);
      // PKCS#8 wrapper for a raw Ed25519 seed (RFC 8410 §7).
      const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
      return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    }
    case ALG.ED448: return generateKeyPairSync('ed448').privateKey;
    case ALG.ECDSAP256: return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    case ALG.ECDSAP384: return generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    case ALG.RSASHA1: case ALG.RSASHA1_NSEC3: case ALG.RSASHA256: case ALG.RSASHA512:
      return generateKeyPairSync('rsa', { modulusLength: opts.rsaBits ?? 2048 }).privateKey;
    default: throw new Error(`signer: algorithm ${algorithm} not supported`);
  }
}

function signerFor(algorithm: number, key: KeyObject): (data: Uint8Array) => Uint8Array {
  switch (algorithm) {
    case ALG.ED25519: case ALG.ED448: return (d) => cryptoSign(null, d, key);
    // RFC 6605 §4: r || s, each the curve size.
    case ALG.ECDSAP256: return (d) => cryptoSign('sha256', d, { key, dsaEncoding: 'ieee-p1363' });
    case ALG.ECDSAP384: return (d) => cryptoSign('sha384', d, { key, dsaEncoding: 'ieee-p1363' });
    case ALG.RSASHA1: case ALG.RSASHA1_NSEC3: return (d) => cryptoSign('sha1', d, key);
    case ALG.RSASHA256: return (d) => cryptoSign('sha256', d, key);
    case ALG.RSASHA512: return (d) => cryptoSign('sha512', d, key);
    default: throw new Error(`signer: algorithm ${algorithm} not supported`);
  }
}

/** A fresh key for `zone`. Algorithm 253 (PRIVATE) gives a published key with random bytes that "signs" randomly. */
export function generateKey(zone: Name | string, opts: KeyOptions = {}): TestKey {
  const owner = typeof zone === 'string' ? n(zone) : zone;
  const algorithm = opts.algorithm ?? ALG.ED25519;
  const flags = opts.flags ?? 257;
  let pub: Uint8Array;
  let signData: (d: Uint8Array) => Uint8Array;
  if (algorithm === ALG.PRIVATE) {
    pub = randomBytes(32);
    signData = () => randomBytes(64);
  } else {
    const priv = privateKeyFor(algorithm, opts);
    pub = publicKeyBytes(algorithm, createPublicKey(priv));
    signData = signerFor(algorithm, priv);
  }
  const data = Uint8Array.from([...u16(flags), 3, algorithm, ...pub]);
  return { zone: owner, flags, algorithm, keyTag: keyTagOf(data), dnskey: rr(owner, T.DNSKEY, data, opts.ttl ?? 3600), signData };
}

/** DS for a DNSKEY RR (RFC 4034 §5.1.4: digest = hash(owner canonical wire | DNSKEY RDATA)); 253 = random digest. */
export function makeDs(dnskey: RR, digestType: number = DIGEST.SHA256, ttl = 3600): RR {
  const algo = digestType === DIGEST.SHA1 ? 'sha1' : digestType === DIGEST.SHA256 ? 'sha256' : digestType === DIGEST.SHA384 ? 'sha384' : undefined;
  const digest = algo === undefined ? randomBytes(32) : createHash(algo).update(lowerWire(dnskey.name)).update(dnskey.rdata).digest();
  const tag = keyTagOf(dnskey.rdata);
  return rr(dnskey.name, T.DS, Uint8Array.from([...u16(tag), dnskey.rdata[3]!, digestType, ...digest]), ttl);
}

// ---------------------------------------------------------------------------------------------------------------
// RRSIG (RFC 4034 §3)
// ---------------------------------------------------------------------------------------------------------------

export interface SignOptions {
  inception: number;
  expiration: number;
  /** Signer name; default the key's zone. */
  signer?: Name;
  /** Original TTL; default the RRset's TTL. */
  originalTtl?: number;
  /** Overrides the labels field (e.g. to fake a wildcard expansion). */
  labels?: number;
}

/** Signs one RRset (all RRs share owner, type and class) with `key`, returning the RRSIG RR. */
export function signRrset(rrset: RR[], key: TestKey, opts: SignOptions): RR {
  const first = rrset[0];
  if (!first) throw new Error('signer: empty RRset');
  const ttl = opts.originalTtl ?? first.ttl;
  const signer = opts.signer ?? key.zone;
  // RFC 4034 §3.1.3: labels in the owner, not counting the root or a leading wildcard label.
  const labels = opts.labels ?? (first.name.isWildcard ? first.name.labelCount - 1 : first.name.labelCount);
  const header = Uint8Array.from([
    ...u16(first.type), key.algorithm, labels, ...u32(ttl), ...u32(opts.expiration >>> 0), ...u32(opts.inception >>> 0),
    ...u16(key.keyTag), ...lowerWire(signer),
  ]);
  const signature = key.signData(signedData(header, rrset, ttl, labels));
  return rr(first.name, T.RRSIG, Uint8Array.from([...header, ...signature]), ttl);
}

/** RFC 4034 §3.1.8.1: RRSIG_RDATA (no signature) | RR(1) | RR(2)… in canonical order, duplicates removed. */
function signedData(header: Uint8Array, rrset: RR[], ttl: number, labels: number): Uint8Array {
  const first = rrset[0]!;
  // RFC 4035 §5.3.2: a wildcard-expanded owner is signed as `*.` + the rightmost `labels` labels.
  const owner = first.name.labelCount > labels ? first.name.suffix(labels).prepend('*') : first.name;
  const ownerWire = lowerWire(owner);
  const rdatas = rrset.map((r) => canonicalRdata(r.type, r.rdata)).sort(compareBytes)
    .filter((d, i, all) => i === 0 || compareBytes(d, all[i - 1]!) !== 0);
  const parts: number[] = [...header];
  for (const d of rdatas) parts.push(...ownerWire, ...u16(first.type), ...u16(first.class), ...u32(ttl), ...u16(d.length), ...d);
  return Uint8Array.from(parts);
}

// ---------------------------------------------------------------------------------------------------------------
// Zone structure: authoritative names, delegations, NSEC and NSEC3 chains
// ---------------------------------------------------------------------------------------------------------------

const typesAt = (rrs: RR[], name: Name): Set<number> => new Set(rrs.filter((r) => r.name.equals(name)).map((r) => r.type));

/** Delegation points: names below the apex that own NS (RFC 1034 §4.2.1 zone cuts). */
export function delegationsOf(zone: Name, rrs: RR[]): Name[] {
  const out = new Map<string, Name>();
  for (const r of rrs) if (r.type === T.NS && r.name.isStrictSubdomainOf(zone)) out.set(r.name.key, r.name);
  return [...out.values()];
}

/** True when `name` is in the zone's authoritative data or is a delegation point (not glue below a cut). */
function isAuthoritativeOwner(zone: Name, cuts: Name[], name: Name): boolean {
  return name.isSubdomainOf(zone) && !cuts.some((c) => name.isStrictSubdomainOf(c));
}

function uniqueNames(names: Name[]): Name[] {
  const m = new Map<string, Name>();
  for (const x of names) if (!m.has(x.key)) m.set(x.key, x);
  return [...m.values()].sort(canonicalNameCompare);
}

/** NSEC chain (RFC 4034 §4, RFC 4035 §2.3): one NSEC per authoritative owner; glue is skipped. RRSIG and NSEC bits always set. */
export function buildNsecChain(zone: Name, rrs: RR[], ttl: number): RR[] {
  const cuts = delegationsOf(zone, rrs);
  const owners = uniqueNames(rrs.map((r) => r.name).filter((x) => isAuthoritativeOwner(zone, cuts, x)));
  return owners.map((owner, i) => {
    const next = owners[(i + 1) % owners.length]!;
    const types = typesAt(rrs, owner);
    // Glue addresses at a cut are not authoritative and their types are omitted (RFC 4035 §2.3).
    const isCut = cuts.some((c) => c.equals(owner));
    const listed = isCut ? [...types].filter((t) => t === T.NS || t === T.DS) : [...types];
    return rr(owner, T.NSEC, Uint8Array.from([...next.wire, ...typeBitmap([...listed, T.NSEC, T.RRSIG])]), ttl);
  });
}

/** RFC 5155 §5: IH(salt, x, 0) = H(x | salt); IH(salt, x, k) = H(IH(salt, x, k-1) | salt). Owner name canonical. */
export function nsec3HashOf(name: Name, salt: Uint8Array, iterations: number): Uint8Array {
  let digest = createHash('sha1').update(lowerWire(name)).update(salt).digest();
  for (let i = 0; i < iterations; i++) digest = createHash('sha1').update(digest).update(salt).digest();
  return new Uint8Array(digest);
}

const B32 = '0123456789abcdefghijklmnopqrstuv';
export function base32hex(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) { out += B32[(acc >> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  return out;
}

export interface Nsec3Options {
  iterations?: number;
  /** Hex salt; default empty (RFC 9276 §3.1). */
  salt?: string;
  /** RFC 5155 §6: unsigned delegations get no NSEC3 and every NSEC3 carries the opt-out flag. */
  optOut?: boolean;
  /** Overrides the flags field (e.g. 0x02 for an unknown flag). */
  flags?: number;
  /** Hash algorithm number written into the records (1 = SHA-1; others are written but still hashed with SHA-1). */
  hashAlgorithm?: number;
}

/** The NSEC3 owner name of `name` in `zone`. */
export function nsec3Owner(zone: Name, name: Name, opts: Nsec3Options = {}): Name {
  return zone.prepend(base32hex(nsec3HashOf(name, Buffer.from(opts.salt ?? '', 'hex'), opts.iterations ?? 0)));
}

/** NSEC3 chain (RFC 5155 §7.1) including empty non-terminals; with opt-out, insecure delegations are left out. */
export function buildNsec3Chain(zone: Name, rrs: RR[], ttl: number, opts: Nsec3Options = {}): RR[] {
  const salt = Buffer.from(opts.salt ?? '', 'hex');
  const iterations = opts.iterations ?? 0;
  const cuts = delegationsOf(zone, rrs);
  const insecureCut = (x: Name): boolean => cuts.some((c) => c.equals(x)) && !typesAt(rrs, x).has(T.DS);
  const owners = uniqueNames(rrs.map((r) => r.name).filter((x) => isAuthoritativeOwner(zone, cuts, x)))
    .filter((x) => !(opts.optOut && insecureCut(x)));
  // Empty non-terminals between each owner and the apex (RFC 5155 §7.1 item 2).
  const withEnts = uniqueNames(owners.flatMap((x) => {
    const chain: Name[] = [];
    for (let a = x; a.isStrictSubdomainOf(zone); a = a.parent()) chain.push(a);
    return [...chain, zone];
  }));
  const hashed = withEnts.map((x) => ({ name: x, hash: nsec3HashOf(x, salt, iterations) })).sort((a, b) => compareBytes(a.hash, b.hash));
  const flags = opts.flags ?? (opts.optOut ? 1 : 0);
  return hashed.map((h, i) => {
    const next = hashed[(i + 1) % hashed.length]!.hash;
    const types = typesAt(rrs, h.name);
    const isCut = cuts.some((c) => c.equals(h.name));
    const listed = isCut ? [...types].filter((t) => t === T.NS || t === T.DS) : [...types];
    // RRSIG exists at the original owner when it has any signed RRset: not at an ENT or an unsigned cut.
    const signed = listed.length > 0 && !(isCut && !types.has(T.DS));
    const bitmap = typeBitmap(signed ? [...listed, T.RRSIG] : listed);
    const data = [opts.hashAlgorithm ?? 1, flags, ...u16(iterations), salt.length, ...salt, next.length, ...next, ...bitmap];
    return rr(zone.prepend(base32hex(h.hash)), T.NSEC3, Uint8Array.from(data), ttl);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Whole-zone signing
// ---------------------------------------------------------------------------------------------------------------

export interface ZoneSignOptions {
  inception: number;
  expiration: number;
  denial?: 'nsec' | 'nsec3' | 'none';
  nsec3?: Nsec3Options;
  /** TTL of NSEC/NSEC3 records; default the SOA minimum (RFC 4034 §4, RFC 5155 §3). */
  negativeTtl?: number;
  /** Keys that sign the DNSKEY RRset; default the SEP keys (flags & 1), or all keys if none. */
  dnskeySigners?: TestKey[];
  /** Keys that sign every other RRset; default the non-SEP keys, or all keys if none. */
  zoneSigners?: TestKey[];
  /** Publish the keys' DNSKEY RRs (default true). */
  publishKeys?: boolean;
}

function soaMinimum(zone: Name, rrs: RR[]): number {
  const soa = rrs.find((r) => r.type === T.SOA && r.name.equals(zone));
  if (!soa) return 3600;
  const d = soa.rdata;
  const end = d.length;
  return ((d[end - 4]! << 24) | (d[end - 3]! << 16) | (d[end - 2]! << 8) | d[end - 1]!) >>> 0;
}

/** Groups RRs into RRsets by owner and type, in first-seen order. */
export function groupRrsets(rrs: RR[]): RR[][] {
  const sets = new Map<string, RR[]>();
  for (const r of rrs) {
    const k = `${r.name.key}|${r.type}`;
    const s = sets.get(k);
    if (s) s.push(r); else sets.set(k, [r]);
  }
  return [...sets.values()];
}

/**
 * Signs `rrs` as the zone `zone`: publishes DNSKEYs, adds NSEC3PARAM and the NSEC or NSEC3 chain, and signs every
 * authoritative RRset (not the NS at a cut, not glue; RFC 4035 §2.2). Returns the input RRs plus everything added.
 */
export function signZone(zone: Name | string, rrs: RR[], keys: TestKey[], opts: ZoneSignOptions): RR[] {
  const apex = typeof zone === 'string' ? n(zone) : zone;
  const all: RR[] = [...rrs];
  if (opts.publishKeys !== false) all.push(...keys.map((k) => ({ ...k.dnskey, name: apex })));
  const ttl = opts.negativeTtl ?? soaMinimum(apex, rrs);
  const denial = opts.denial ?? 'nsec';
  if (denial === 'nsec3') {
    const salt = Buffer.from(opts.nsec3?.salt ?? '', 'hex');
    all.push(rr(apex, T.NSEC3PARAM, Uint8Array.from([1, 0, ...u16(opts.nsec3?.iterations ?? 0), salt.length, ...salt]), 0));
  }
  const chain = denial === 'nsec' ? buildNsecChain(apex, all, ttl) : denial === 'nsec3' ? buildNsec3Chain(apex, all, ttl, opts.nsec3) : [];
  all.push(...chain);
  const sep = keys.filter((k) => k.flags & 1);
  const nonSep = keys.filter((k) => !(k.flags & 1));
  const dnskeySigners = opts.dnskeySigners ?? (sep.length > 0 ? sep : keys);
  const zoneSigners = opts.zoneSigners ?? (nonSep.length > 0 ? nonSep : keys);
  const cuts = delegationsOf(apex, all);
  const sigs: RR[] = [];
  for (const set of groupRrsets(all)) {
    const owner = set[0]!.name;
    const type = set[0]!.type;
    if (!isAuthoritativeOwner(apex, cuts, owner)) continue;
    if (cuts.some((c) => c.equals(owner)) && type !== T.DS && type !== T.NSEC) continue;
    for (const key of type === T.DNSKEY ? dnskeySigners : zoneSigners) {
      sigs.push(signRrset(set, key, { inception: opts.inception, expiration: opts.expiration, signer: apex }));
    }
  }
  return [...all, ...sigs];
}

// ---------------------------------------------------------------------------------------------------------------
// Picking records out of a signed zone, building responses
// ---------------------------------------------------------------------------------------------------------------

/** The RRset at `name` of `type`. */
export function pick(rrs: RR[], name: Name | string, type: number): RR[] {
  const owner = typeof name === 'string' ? n(name) : name;
  return rrs.filter((r) => r.type === type && r.name.equals(owner));
}

/** RRSIGs at `name` covering `type`. */
export function sigsOf(rrs: RR[], name: Name | string, covered: number): RR[] {
  const owner = typeof name === 'string' ? n(name) : name;
  return rrs.filter((r) => r.type === T.RRSIG && r.name.equals(owner) && ((r.rdata[0]! << 8) | r.rdata[1]!) === covered);
}

/** The RRset plus its RRSIGs. */
export function signed(rrs: RR[], name: Name | string, type: number): RR[] {
  return [...pick(rrs, name, type), ...sigsOf(rrs, name, type)];
}

/** A wildcard RRset and its RRSIGs, rewritten to `qname` as a server does when synthesising (RFC 4592 §3.3.1). */
export function expandWildcard(rrs: RR[], wildcard: Name | string, type: number, qname: Name | string): RR[] {
  const q = typeof qname === 'string' ? n(qname) : qname;
  return signed(rrs, wildcard, type).map((r) => ({ ...r, name: q }));
}

/** The NSEC whose owner equals `name` or, failing that, that covers it (owner < name < next, RFC 4034 §4.1.1). */
export function nsecFor(rrs: RR[], name: Name | string): RR[] {
  const q = typeof name === 'string' ? n(name) : name;
  const nsecs = rrs.filter((r) => r.type === T.NSEC);
  const exact = nsecs.find((r) => r.name.equals(q));
  const hit = exact ?? nsecs.find((r) => {
    const next = Name.decode(r.rdata, 0).name;
    const afterOwner = canonicalNameCompare(r.name, q) < 0;
    const beforeNext = canonicalNameCompare(q, next) < 0;
    const last = canonicalNameCompare(next, r.name) <= 0;
    return afterOwner && (beforeNext || last);
  });
  return hit ? [hit, ...sigsOf(rrs, hit.name, T.NSEC)] : [];
}

/** The NSEC3 matching `name`, or the one covering its hash, with RRSIGs. */
export function nsec3For(rrs: RR[], zone: Name | string, name: Name | string, opts: Nsec3Options = {}): RR[] {
  const z = typeof zone === 'string' ? n(zone) : zone;
  const q = typeof name === 'string' ? n(name) : name;
  const h = base32hex(nsec3HashOf(q, Buffer.from(opts.salt ?? '', 'hex'), opts.iterations ?? 0));
  const nsec3s = rrs.filter((r) => r.type === T.NSEC3 && r.name.parent().equals(z));
  const label = (r: RR): string => Buffer.from(r.name.labels[0]!).toString().toLowerCase();
  const nextOf = (r: RR): string => {
    const saltLen = r.rdata[4]!;
    const len = r.rdata[5 + saltLen]!;
    return base32hex(r.rdata.subarray(6 + saltLen, 6 + saltLen + len));
  };
  const hit = nsec3s.find((r) => label(r) === h) ?? nsec3s.find((r) => {
    const own = label(r);
    const next = nextOf(r);
    return next > own ? own < h && h < next : own < h || h < next;
  });
  return hit ? [hit, ...sigsOf(rrs, hit.name, T.NSEC3)] : [];
}
