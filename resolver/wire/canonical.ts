/**
 * Canonical RR form and canonical RRset order (RFC 4034 §6.2, §6.3, corrected by RFC 6840 §5.1).
 *
 * A signature covers the canonical form, so these functions must produce exactly the bytes a signer hashed:
 * the owner in lowercase, names inside RDATA lowercased only for the RR types listed in RFC 4034 §6.2 item 3
 * (minus NSEC, per RFC 6840 §5.1), everything else byte for byte as received.
 */
import { WireError } from './errors.js';
import { lowerByte } from './name.js';

/**
 * Where the domain names sit inside the RDATA of each type whose RDATA names are lowercased.
 * A number is a fixed-size field of that many octets, 'n' an uncompressed domain name, 'c' a <character-string>.
 * Fields after the last name are never touched, so they are not listed.
 *
 * RFC 4034 §6.2 item 3: NS, MD, MF, CNAME, SOA, MB, MG, MR, PTR, HINFO, MINFO, MX, RP, AFSDB, RT, SIG, PX, NXT,
 * NAPTR, KX, SRV, DNAME, A6, RRSIG, NSEC. HINFO holds no names (two character-strings), so nothing to do.
 * RFC 6840 §5.1: "DNS names in the RDATA section of NSEC resource records are not converted to lowercase.
 * DNS names in the RDATA section of RRSIG resource records are converted to lowercase."
 */
type Field = number | 'n' | 'c';
const ONE_NAME: readonly Field[] = ['n'];
const TWO_NAMES: readonly Field[] = ['n', 'n'];
const PREF_NAME: readonly Field[] = [2, 'n'];

export const LOWERCASED_RDATA_LAYOUT: ReadonlyMap<number, readonly Field[]> = new Map<number, readonly Field[]>([
  [2, ONE_NAME], // NS
  [3, ONE_NAME], // MD
  [4, ONE_NAME], // MF
  [5, ONE_NAME], // CNAME
  [6, TWO_NAMES], // SOA: MNAME, RNAME, then five 32-bit fields
  [7, ONE_NAME], // MB
  [8, ONE_NAME], // MG
  [9, ONE_NAME], // MR
  [12, ONE_NAME], // PTR
  [14, TWO_NAMES], // MINFO: RMAILBX, EMAILBX
  [15, PREF_NAME], // MX
  [17, TWO_NAMES], // RP: mbox-dname, txt-dname
  [18, PREF_NAME], // AFSDB: subtype, hostname
  [21, PREF_NAME], // RT: preference, intermediate-host
  [24, [18, 'n']], // SIG: signer's name after 18 fixed octets
  [26, [2, 'n', 'n']], // PX: preference, MAP822, MAPX400
  [30, ONE_NAME], // NXT: next domain name (still in the RFC 4034 list)
  [33, [6, 'n']], // SRV: priority, weight, port, target
  [35, [4, 'c', 'c', 'c', 'n']], // NAPTR: order, preference, flags, services, regexp, replacement
  [36, PREF_NAME], // KX
  [39, ONE_NAME], // DNAME
  [46, [18, 'n']], // RRSIG: signer's name after 18 fixed octets
]);

const TYPE_A6 = 38;

/** End offset of the uncompressed name starting at `pos`; throws when it runs past the RDATA or is compressed. */
function nameEnd(rdata: Uint8Array, pos: number, type: number): number {
  for (;;) {
    if (pos >= rdata.length) throw new WireError('RDATA_TRUNCATED', `name in type ${type} RDATA runs past its end`);
    const len = rdata[pos]!;
    if (len === 0) return pos + 1;
    if (len > 63) throw new WireError('RDATA_MALFORMED', `name in type ${type} RDATA has label length ${len} (compressed?)`);
    pos += len + 1;
  }
}

/** Lists [start, end) ranges of the names in `rdata` that canonical form lowercases. */
export function rdataNameRanges(type: number, rdata: Uint8Array): Array<[number, number]> {
  if (type === TYPE_A6) return a6NameRanges(rdata);
  const layout = LOWERCASED_RDATA_LAYOUT.get(type);
  if (layout === undefined) return [];
  const ranges: Array<[number, number]> = [];
  let pos = 0;
  for (const field of layout) {
    if (field === 'n') {
      const end = nameEnd(rdata, pos, type);
      ranges.push([pos, end]);
      pos = end;
    } else if (field === 'c') {
      if (pos >= rdata.length) throw new WireError('RDATA_TRUNCATED', `character-string in type ${type} RDATA runs past its end`);
      pos += 1 + rdata[pos]!;
    } else {
      pos += field;
    }
    if (pos > rdata.length) throw new WireError('RDATA_TRUNCATED', `type ${type} RDATA is too short for its fields`);
  }
  return ranges;
}

/** A6 (RFC 2874 §3.1): prefix length, address suffix of ceil((128 - len) / 8) octets, prefix name when len > 0. */
function a6NameRanges(rdata: Uint8Array): Array<[number, number]> {
  if (rdata.length < 1) throw new WireError('RDATA_TRUNCATED', 'A6 RDATA is empty');
  const prefixLen = rdata[0]!;
  if (prefixLen > 128) throw new WireError('RDATA_MALFORMED', `A6 prefix length ${prefixLen} exceeds 128`);
  if (prefixLen === 0) return [];
  const start = 1 + Math.ceil((128 - prefixLen) / 8);
  return [[start, nameEnd(rdata, start, TYPE_A6)]];
}

function hasUpper(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b >= 0x41 && b <= 0x5a) return true;
  }
  return false;
}

/**
 * RDATA in canonical form (RFC 4034 §6.2 item 3 with RFC 6840 §5.1): names of the listed types lowercased.
 * Returns the input array itself when nothing changes, so callers must not mutate the result.
 * Label length octets are at most 63 and so never in 'A'..'Z': lowercasing a whole wire name bytewise is safe.
 */
export function canonicalRdata(type: number, rdata: Uint8Array): Uint8Array {
  const ranges = rdataNameRanges(type, rdata);
  let out: Uint8Array | undefined;
  for (const [start, end] of ranges) {
    if (!hasUpper(rdata, start, end)) continue;
    out ??= rdata.slice();
    for (let i = start; i < end; i++) out[i] = lowerByte(out[i]!);
  }
  return out ?? rdata;
}

/** A wire name lowercased (ASCII only); the same array when already lowercase. */
export function lowerWire(wire: Uint8Array): Uint8Array {
  if (!hasUpper(wire, 0, wire.length)) return wire;
  return Uint8Array.from(wire, lowerByte);
}

/** Compares octet strings as left-justified unsigned numbers (RFC 4034 §6.3): a shorter prefix sorts first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * Canonical RRset order (RFC 4034 §6.3): canonical RDATA sorted as unsigned octet sequences, duplicates removed
 * ("An RRset MUST NOT contain duplicate records").
 */
export function canonicalRdataSet(type: number, rdatas: readonly Uint8Array[]): Uint8Array[] {
  const canon: Uint8Array[] = new Array<Uint8Array>(rdatas.length);
  for (let i = 0; i < rdatas.length; i++) canon[i] = canonicalRdata(type, rdatas[i]!);
  if (canon.length < 2) return canon;
  canon.sort(compareBytes);
  const out: Uint8Array[] = [canon[0]!];
  for (let i = 1; i < canon.length; i++) {
    if (compareBytes(canon[i]!, out[out.length - 1]!) !== 0) out.push(canon[i]!);
  }
  return out;
}
