/**
 * Typed views of DNSSEC RDATA (RFC 4034 §2–§5, RFC 5155 §3–§4), decoded from the exact wire bytes.
 * The raw bytes stay in the RR; these views are for logic, never for re-encoding what a signature covers.
 */
import type { Name } from './name.js';
import { WireError } from './errors.js';
import { rdataAtLeast, rdataView, readRdataName } from './rdata-read.js';

export interface Dnskey {
  flags: number;
  protocol: number;
  algorithm: number;
  publicKey: Uint8Array;
}

/** The fixed-size RRSIG fields (RFC 4034 §3.1), shared by the decoded view and the in-place header reader. */
export interface RrsigFixedFields {
  typeCovered: number;
  algorithm: number;
  labels: number;
  originalTtl: number;
  /** Seconds since the epoch, as the 32-bit serial in the record (RFC 4034 §3.1.5). */
  expiration: number;
  inception: number;
  keyTag: number;
}

export interface Rrsig extends RrsigFixedFields {
  signerName: Name;
  signature: Uint8Array;
  /** Length of the RDATA prefix up to and including the signer name: the part that goes into signed data. */
  headerLength: number;
}

export interface Ds {
  keyTag: number;
  algorithm: number;
  digestType: number;
  digest: Uint8Array;
}

export interface Nsec {
  next: Name;
  types: TypeBitmap;
}

export interface Nsec3 {
  hashAlgorithm: number;
  flags: number;
  iterations: number;
  salt: Uint8Array;
  nextHashed: Uint8Array;
  types: TypeBitmap;
}

export interface Nsec3Param {
  hashAlgorithm: number;
  flags: number;
  iterations: number;
  salt: Uint8Array;
}

/** DNSKEY flags (RFC 4034 §2.1.1, RFC 5011 §3). */
export const DNSKEY_ZONE = 0x0100;
export const DNSKEY_SEP = 0x0001;
export const DNSKEY_REVOKE = 0x0080;
/** NSEC3 opt-out flag (RFC 5155 §3.1.2.1). */
export const NSEC3_OPT_OUT = 0x01;

export function decodeDnskey(rdata: Uint8Array): Dnskey {
  rdataAtLeast(rdata, 5, 'DNSKEY');
  const v = rdataView(rdata);
  return { flags: v.getUint16(0), protocol: rdata[2]!, algorithm: rdata[3]!, publicKey: rdata.subarray(4) };
}

export function decodeRrsig(rdata: Uint8Array): Rrsig {
  rdataAtLeast(rdata, 19, 'RRSIG');
  const v = rdataView(rdata);
  const signer = readRdataName(rdata, 18, 'RRSIG signer');
  return {
    typeCovered: v.getUint16(0),
    algorithm: rdata[2]!,
    labels: rdata[3]!,
    originalTtl: v.getUint32(4),
    expiration: v.getUint32(8),
    inception: v.getUint32(12),
    keyTag: v.getUint16(16),
    signerName: signer.name,
    signature: rdata.subarray(signer.next),
    headerLength: signer.next,
  };
}

export function decodeDs(rdata: Uint8Array): Ds {
  rdataAtLeast(rdata, 5, 'DS');
  const v = rdataView(rdata);
  return { keyTag: v.getUint16(0), algorithm: rdata[2]!, digestType: rdata[3]!, digest: rdata.subarray(4) };
}

export function decodeNsec(rdata: Uint8Array): Nsec {
  const next = readRdataName(rdata, 0, 'NSEC next name');
  return { next: next.name, types: TypeBitmap.decode(rdata.subarray(next.next)) };
}

export function decodeNsec3(rdata: Uint8Array): Nsec3 {
  rdataAtLeast(rdata, 5, 'NSEC3');
  const v = rdataView(rdata);
  const saltLen = rdata[4]!;
  rdataAtLeast(rdata, 5 + saltLen + 1, 'NSEC3');
  const hashLen = rdata[5 + saltLen]!;
  const hashStart = 6 + saltLen;
  rdataAtLeast(rdata, hashStart + hashLen, 'NSEC3');
  if (hashLen === 0) throw new WireError('RDATA_MALFORMED', 'NSEC3 next hashed owner name is empty');
  return {
    hashAlgorithm: rdata[0]!,
    flags: rdata[1]!,
    iterations: v.getUint16(2),
    salt: rdata.subarray(5, 5 + saltLen),
    nextHashed: rdata.subarray(hashStart, hashStart + hashLen),
    types: TypeBitmap.decode(rdata.subarray(hashStart + hashLen)),
  };
}

export function decodeNsec3Param(rdata: Uint8Array): Nsec3Param {
  rdataAtLeast(rdata, 5, 'NSEC3PARAM');
  const v = rdataView(rdata);
  const saltLen = rdata[4]!;
  rdataAtLeast(rdata, 5 + saltLen, 'NSEC3PARAM');
  return { hashAlgorithm: rdata[0]!, flags: rdata[1]!, iterations: v.getUint16(2), salt: rdata.subarray(5, 5 + saltLen) };
}


/** The type bit maps field of NSEC and NSEC3 (RFC 4034 §4.1.2). */
export class TypeBitmap {
  private constructor(private readonly set: ReadonlySet<number>) {}

  static fromTypes(types: Iterable<number>): TypeBitmap {
    return new TypeBitmap(new Set(types));
  }

  has(type: number): boolean {
    return this.set.has(type);
  }

  get types(): number[] {
    return [...this.set].sort((a, b) => a - b);
  }

  /** RFC 4034 §4.1.2: windows in increasing order, 1–32 octets each, no trailing zero octets required to be absent. */
  static decode(bytes: Uint8Array): TypeBitmap {
    const set = new Set<number>();
    let pos = 0;
    let lastWindow = -1;
    while (pos < bytes.length) {
      if (pos + 2 > bytes.length) throw new WireError('RDATA_MALFORMED', 'type bitmap window header is cut off');
      const window = bytes[pos]!;
      const len = bytes[pos + 1]!;
      if (window <= lastWindow) throw new WireError('RDATA_MALFORMED', 'type bitmap windows out of order');
      if (len < 1 || len > 32) throw new WireError('RDATA_MALFORMED', `type bitmap window length ${len} outside 1..32`);
      if (pos + 2 + len > bytes.length) throw new WireError('RDATA_MALFORMED', 'type bitmap window runs past the RDATA');
      for (let i = 0; i < len; i++) {
        const octet = bytes[pos + 2 + i]!;
        for (let bit = 0; bit < 8; bit++) if (octet & (0x80 >> bit)) set.add(window * 256 + i * 8 + bit);
      }
      lastWindow = window;
      pos += 2 + len;
    }
    return new TypeBitmap(set);
  }

  encode(): Uint8Array {
    const out: number[] = [];
    const types = this.types;
    let i = 0;
    while (i < types.length) {
      const window = types[i]! >> 8;
      const octets = new Array<number>(32).fill(0);
      let maxOctet = 0;
      while (i < types.length && types[i]! >> 8 === window) {
        const low = types[i]! & 0xff;
        octets[low >> 3]! |= 0x80 >> (low & 7);
        maxOctet = Math.max(maxOctet, low >> 3);
        i++;
      }
      out.push(window, maxOctet + 1, ...octets.slice(0, maxOctet + 1));
    }
    return Uint8Array.from(out);
  }
}
