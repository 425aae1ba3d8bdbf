/**
 * Test support for the DNSSEC primitives: RDATA builders, fresh keys for every algorithm made with node:crypto,
 * and an RRSIG signer. The signer frames the signed data with resolver/dnssec/signed-data.ts; the RFC vectors
 * (rfc-vectors.test.ts) and the byte-level canonical tests pin that construction independently.
 */
import { generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto';
import { Name } from '../../../resolver/wire/name.js';
import { CLASS_IN, T, type RR } from '../../../resolver/wire/types.js';
import { keyTag } from '../../../resolver/dnssec/keytag.js';
import { signedData } from '../../../resolver/dnssec/signed-data.js';
import type { RrsigFixedFields } from '../../../resolver/wire/dnssec-rdata.js';

export const n = (text: string): Name => Name.parse(text.endsWith('.') ? text : `${text}.`);

export function rr(name: Name | string, type: number, rdata: Uint8Array, ttl = 3600): RR {
  return { name: typeof name === 'string' ? n(name) : name, type, class: CLASS_IN, ttl, rdata };
}

const u16 = (v: number): number[] => [v >> 8, v & 0xff];
const u32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const wire = (name: string | Name): number[] => [...(typeof name === 'string' ? n(name) : name).wire];
const cs = (text: string): number[] => [text.length, ...Buffer.from(text, 'latin1')];

export const rdata = {
  a: (ip: string): Uint8Array => Uint8Array.from(ip.split('.').map(Number)),
  name: (name: string): Uint8Array => Uint8Array.from(wire(name)),
  mx: (pref: number, name: string): Uint8Array => Uint8Array.from([...u16(pref), ...wire(name)]),
  soa: (mname: string, rname: string, serial = 1): Uint8Array =>
    Uint8Array.from([...wire(mname), ...wire(rname), ...u32(serial), ...u32(7200), ...u32(3600), ...u32(1209600), ...u32(300)]),
  srv: (prio: number, weight: number, port: number, target: string): Uint8Array =>
    Uint8Array.from([...u16(prio), ...u16(weight), ...u16(port), ...wire(target)]),
  naptr: (order: number, pref: number, flags: string, services: string, regexp: string, repl: string): Uint8Array =>
    Uint8Array.from([...u16(order), ...u16(pref), ...cs(flags), ...cs(services), ...cs(regexp), ...wire(repl)]),
  txt: (...texts: string[]): Uint8Array => Uint8Array.from(texts.flatMap(cs)),
  hinfo: (cpu: string, os: string): Uint8Array => Uint8Array.from([...cs(cpu), ...cs(os)]),
  dnskey: (flags: number, alg: number, publicKey: Uint8Array): Uint8Array => Uint8Array.from([...u16(flags), 3, alg, ...publicKey]),
  rrsig: (f: RrsigFields): Uint8Array => Uint8Array.from([
    ...u16(f.typeCovered), f.algorithm, f.labels, ...u32(f.originalTtl), ...u32(f.expiration), ...u32(f.inception),
    ...u16(f.keyTag), ...wire(f.signer), ...f.signature,
  ]),
};

export interface RrsigFields extends RrsigFixedFields {
  signer: string | Name;
  signature: Uint8Array;
}

export const b64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'base64'));
export const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

/** YYYYMMDDHHmmSS (RRSIG presentation, RFC 4034 §3.2) to Unix seconds. */
export function time(text: string): number {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((i, k) => Number(text.slice(i, i + (k === 0 ? 4 : 2))));
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) / 1000;
}

export interface TestKey {
  algorithm: number;
  privateKey: KeyObject;
  dnskey: RR;
  keyTag: number;
}

const b64u = (s: string | undefined): number[] => [...Buffer.from(s ?? '', 'base64url')];

function rsaPublicKey(jwk: { n?: string; e?: string }): Uint8Array {
  const e = b64u(jwk.e);
  const head = e.length < 256 ? [e.length] : [0, ...u16(e.length)];
  return Uint8Array.from([...head, ...e, ...b64u(jwk.n)]);
}

/** A fresh key pair for a DNSSEC algorithm and its DNSKEY RR (flags 256 unless given). */
export function generateKey(zone: string | Name, algorithm: number, flags = 256, rsaBits = 2048): TestKey {
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  if (algorithm === 5 || algorithm === 7 || algorithm === 8 || algorithm === 10) {
    pair = generateKeyPairSync('rsa', { modulusLength: rsaBits, publicExponent: 65537 });
  } else if (algorithm === 13 || algorithm === 14) {
    pair = generateKeyPairSync('ec', { namedCurve: algorithm === 13 ? 'P-256' : 'P-384' });
  } else if (algorithm === 15) {
    pair = generateKeyPairSync('ed25519');
  } else if (algorithm === 16) {
    pair = generateKeyPairSync('ed448');
  } else {
    throw new Error(`cannot generate algorithm ${algorithm}`);
  }
  const jwk = pair.publicKey.export({ format: 'jwk' });
  let pub: Uint8Array;
  if (jwk.kty === 'RSA') pub = rsaPublicKey(jwk);
  else if (jwk.kty === 'EC') pub = Uint8Array.from([...b64u(jwk.x), ...b64u(jwk.y)]);
  else pub = Uint8Array.from(b64u(jwk.x));
  const dnskey = rr(zone, T.DNSKEY, rdata.dnskey(flags, algorithm, pub));
  return { algorithm, privateKey: pair.privateKey, dnskey, keyTag: keyTag(dnskey.rdata) };
}

/** Raw signature over `data` in the DNSSEC encoding of the key's algorithm. */
export function rawSign(key: TestKey, data: Uint8Array): Uint8Array {
  const hash = { 5: 'sha1', 7: 'sha1', 8: 'sha256', 10: 'sha512', 13: 'sha256', 14: 'sha384' }[key.algorithm as 5];
  if (key.algorithm === 15 || key.algorithm === 16) return new Uint8Array(sign(null, data, key.privateKey));
  if (key.algorithm === 13 || key.algorithm === 14) return new Uint8Array(sign(hash, data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' }));
  return new Uint8Array(sign(hash, data, { key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }));
}

export interface SignOptions {
  inception: number;
  expiration: number;
  /** Defaults to the owner's label count, minus one for a leading '*'. */
  labels?: number;
  originalTtl?: number;
  signer?: string | Name;
  keyTag?: number;
  algorithm?: number;
}

/** Signs an RRset with a test key and returns the RRSIG RR. */
export function signRrset(rrset: RR[], key: TestKey, opts: SignOptions): RR {
  const first = rrset[0]!;
  const fields: RrsigFields = {
    typeCovered: first.type,
    algorithm: opts.algorithm ?? key.algorithm,
    labels: opts.labels ?? first.name.labelCount - (first.name.isWildcard ? 1 : 0),
    originalTtl: opts.originalTtl ?? first.ttl,
    expiration: opts.expiration,
    inception: opts.inception,
    keyTag: opts.keyTag ?? key.keyTag,
    signer: opts.signer ?? key.dnskey.name,
    signature: new Uint8Array(0),
  };
  const header = rdata.rrsig(fields);
  const sig = rawSign(key, signedData(header, header.length, rrset));
  return rr(first.name, T.RRSIG, rdata.rrsig({ ...fields, signature: sig }), first.ttl);
}
