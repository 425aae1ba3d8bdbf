/**
 * The data an RRSIG signs (RFC 4034 §3.1.8.1):
 *
 *   signature = sign(RRSIG_RDATA | RR(1) | RR(2)...)
 *   RRSIG_RDATA is the wire format of the RRSIG RDATA fields with the Signature field excluded and the
 *   Signer's Name in canonical form; each RR(i) is owner | type | class | TTL | RDATA length | RDATA in
 *   canonical form and order, with TTL = the RRSIG Original TTL.
 *
 * The canonical RRset is prepared once (`prepareRrset`) and reused for every candidate signature, so trying
 * several RRSIGs does not canonicalise the records again.
 */
import { WireError } from '../wire/errors.js';
import type { Name } from '../wire/name.js';
import type { RR } from '../wire/types.js';
import { canonicalRdataSet, lowerWire } from '../wire/canonical.js';
import type { RrsigFixedFields } from '../wire/dnssec-rdata.js';

/** An RRset in canonical form and order, ready to be framed under any RRSIG. */
export interface CanonicalRrset {
  owner: Name;
  /** Owner name in canonical wire form (lowercase, uncompressed). */
  ownerWire: Uint8Array;
  type: number;
  class: number;
  /** Canonical RDATA, sorted, duplicates removed (RFC 4034 §6.3). */
  rdatas: Uint8Array[];
  /** Sum of the RDATA lengths, to size the signed-data buffer in one allocation. */
  rdataBytes: number;
}

/** Canonicalises an RRset once. All RRs must share owner, type and class (the caller checks). */
export function prepareRrset(rrset: readonly RR[]): CanonicalRrset {
  const first = rrset[0];
  if (first === undefined) throw new WireError('RRSET_EMPTY', 'cannot build signed data for an empty RRset');
  const raw: Uint8Array[] = new Array<Uint8Array>(rrset.length);
  for (let i = 0; i < rrset.length; i++) raw[i] = rrset[i]!.rdata;
  const rdatas = canonicalRdataSet(first.type, raw);
  let rdataBytes = 0;
  for (const r of rdatas) rdataBytes += r.length;
  return { owner: first.name, ownerWire: lowerWire(first.name.wire), type: first.type, class: first.class, rdatas, rdataBytes };
}

/**
 * The owner name that was signed (RFC 4035 §5.3.2): the owner itself when the RRSIG Labels field equals its
 * label count, `*.` + the rightmost `labels` labels when smaller (wildcard expansion), undefined when larger
 * ("the RRSIG RR did not pass the necessary validation checks").
 */
export function signedOwnerWire(set: CanonicalRrset, labels: number): Uint8Array | undefined {
  const count = set.owner.labelCount;
  if (labels > count) return undefined;
  if (labels === count) return set.ownerWire;
  // Skip (count - labels) leading labels of the canonical owner, then prepend the single-octet label '*'.
  let pos = 0;
  for (let skip = count - labels; skip > 0; skip--) pos += set.ownerWire[pos]! + 1;
  const suffix = set.ownerWire.subarray(pos);
  const out = new Uint8Array(2 + suffix.length);
  out[0] = 1;
  out[1] = 0x2a;
  out.set(suffix, 2);
  return out;
}

/** Growable scratch buffer for signed data built on the hot path (see `buildSignedData`'s `reuse`). */
let scratch = new Uint8Array(2048);

/**
 * Builds RRSIG_RDATA | RR(1) | … in one buffer. `rrsigRdata` is the raw RRSIG RDATA; `headerLength` the length
 * of its prefix up to and including the signer name (`Rrsig.headerLength`). The signer name is lowercased here
 * (RFC 6840 §5.1: names in RRSIG RDATA are canonicalised); the Original TTL is copied from the RRSIG bytes.
 * With `reuse`, the result is a view of a module scratch buffer, valid only until the next reusing call: for
 * callers that hand it straight to a synchronous verify (verifyRrset) and so skip one allocation per signature.
 */
export function buildSignedData(rrsigRdata: Uint8Array, headerLength: number, set: CanonicalRrset, ownerWire: Uint8Array, reuse = false): Uint8Array {
  const total = headerLength + set.rdatas.length * (ownerWire.length + 10) + set.rdataBytes;
  let out: Uint8Array;
  if (reuse) {
    if (scratch.length < total) scratch = new Uint8Array(Math.max(total, scratch.length * 2));
    out = scratch;
  } else {
    out = new Uint8Array(total);
  }
  // RRSIG RDATA up to the signer; signer name (from offset 18, RFC 4034 §3.1) lowercased. Label length octets
  // (<= 63) are never in 'A'..'Z'. Byte loops beat subarray()+set() for these short runs.
  for (let i = 0; i < 18; i++) out[i] = rrsigRdata[i]!;
  for (let i = 18; i < headerLength; i++) {
    const b = rrsigRdata[i]!;
    out[i] = b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
  }
  let o = headerLength;
  for (const rdata of set.rdatas) {
    o = writeRecord(out, o, ownerWire, set, rrsigRdata, rdata);
  }
  return reuse ? out.subarray(0, total) : out;
}

/** One RR in canonical form: owner | type | class | original TTL | RDLENGTH | RDATA. Returns the next offset. */
function writeRecord(out: Uint8Array, o: number, ownerWire: Uint8Array, set: CanonicalRrset, rrsigRdata: Uint8Array, rdata: Uint8Array): number {
  for (let i = 0; i < ownerWire.length; i++) out[o + i] = ownerWire[i]!;
  o += ownerWire.length;
  out[o] = set.type >> 8;
  out[o + 1] = set.type & 0xff;
  out[o + 2] = set.class >> 8;
  out[o + 3] = set.class & 0xff;
  // Original TTL: bytes 4..8 of the RRSIG RDATA (RFC 4034 §3.1.8.1: "TTL is the value in the Original TTL field").
  out[o + 4] = rrsigRdata[4]!;
  out[o + 5] = rrsigRdata[5]!;
  out[o + 6] = rrsigRdata[6]!;
  out[o + 7] = rrsigRdata[7]!;
  out[o + 8] = rdata.length >> 8;
  out[o + 9] = rdata.length & 0xff;
  o += 10;
  if (rdata.length > 64) {
    out.set(rdata, o);
  } else {
    for (let i = 0; i < rdata.length; i++) out[o + i] = rdata[i]!;
  }
  return o + rdata.length;
}

/**
 * Convenience: the complete signed data for one RRSIG over an RRset. Throws WireError when the RRSIG Labels field
 * exceeds the owner's label count or RDATA is malformed (verifyRrset turns those into bogus verdicts).
 */
export function signedData(rrsigRdata: Uint8Array, headerLength: number, rrset: readonly RR[]): Uint8Array {
  const set = prepareRrset(rrset);
  const labels = rrsigRdata[3]!;
  const owner = signedOwnerWire(set, labels);
  if (owner === undefined) {
    throw new WireError('RRSIG_LABELS', `RRSIG labels ${labels} exceeds the ${set.owner.labelCount} labels of ${set.owner.toString()}`);
  }
  return buildSignedData(rrsigRdata, headerLength, set, owner);
}

/** RRSIG RDATA fields (RFC 4034 §3.1) read in place, without building a Name for the signer. */
export interface RrsigHeader extends RrsigFixedFields {
  /** The signer name occupies rdata[18, headerLength), uncompressed (RFC 4034 §3.1.7). */
  headerLength: number;
  signerLabels: number;
  signature: Uint8Array;
}

function readU32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

/** Reads the RRSIG fields; undefined when the RDATA is truncated or the signer name malformed. */
export function readRrsigHeader(rdata: Uint8Array): RrsigHeader | undefined {
  if (rdata.length < 19) return undefined;
  let pos = 18;
  let labels = 0;
  for (;;) {
    if (pos >= rdata.length) return undefined;
    const len = rdata[pos]!;
    if (len === 0) break;
    if (len > 63) return undefined; // compression or an extended label type: never valid here
    pos += len + 1;
    labels++;
  }
  const headerLength = pos + 1;
  if (headerLength - 18 > 255) return undefined;
  return {
    typeCovered: (rdata[0]! << 8) | rdata[1]!,
    algorithm: rdata[2]!,
    labels: rdata[3]!,
    originalTtl: readU32(rdata, 4),
    expiration: readU32(rdata, 8),
    inception: readU32(rdata, 12),
    keyTag: (rdata[16]! << 8) | rdata[17]!,
    headerLength,
    signerLabels: labels,
    signature: rdata.subarray(headerLength),
  };
}

/** Case-insensitive (ASCII) equality of wire[from..] with bytes[start, end) — both uncompressed wire names. */
export function wireEqualsAt(wire: Uint8Array, from: number, bytes: Uint8Array, start: number, end: number): boolean {
  if (wire.length - from !== end - start) return false;
  for (let i = 0; i < end - start; i++) {
    let a = wire[from + i]!;
    let b = bytes[start + i]!;
    if (a >= 0x41 && a <= 0x5a) a |= 0x20;
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    if (a !== b) return false;
  }
  return true;
}

/** True when the owner (wire, `ownerLabels` labels) is the signer named in rrsig[18, headerLength) or below it. */
export function ownerWithinSigner(ownerWire: Uint8Array, ownerLabels: number, rrsigRdata: Uint8Array, header: RrsigHeader): boolean {
  if (header.signerLabels > ownerLabels) return false;
  let pos = 0;
  for (let skip = ownerLabels - header.signerLabels; skip > 0; skip--) pos += ownerWire[pos]! + 1;
  return wireEqualsAt(ownerWire, pos, rrsigRdata, 18, header.headerLength);
}
