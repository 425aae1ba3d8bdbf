/**
 * Typed views of non-DNSSEC RDATA and presentation format for every type daneel prints.
 * Views decode from the exact wire bytes kept in the RR; nothing here re-encodes signed data.
 */
import { Name } from './name.js';
import { WireError } from './errors.js';
import { rdataAtLeast, rdataView, readRdataName } from './rdata-read.js';
import { T, typeName } from './types.js';
import { toBase32Hex, toBase64, toHex } from './encoding.js';
import { decodeDnskey, decodeDs, decodeNsec, decodeNsec3, decodeNsec3Param, decodeRrsig } from './dnssec-rdata.js';

/** One field of an RDATA layout: a domain name, a fixed run of octets, or <character-string>s. */
export type RdataField = { kind: 'name' } | { kind: 'fixed'; length: number } | { kind: 'strings'; count: number };

const NAME: RdataField = { kind: 'name' };
const fixed = (length: number): RdataField => ({ kind: 'fixed', length });

/**
 * Layouts of the types whose RDATA holds domain names that a sender may have compressed.
 * RFC 3597 §4: compression is allowed in RDATA of the RFC 1035 types only (NS, MD, MF, CNAME, SOA, MB, MG, MR, PTR,
 * MINFO, MX); RP, AFSDB, RT, PX, NAPTR, KX, SRV and DNAME must not be compressed, but are decompressed if a sender
 * did, so the stored RDATA is the uncompressed form a signature covers. DNSSEC types (RFC 4034 §3.1.7, §4.1.1),
 * TLSA and unknown types are never touched.
 */
export const RDATA_NAME_LAYOUTS: ReadonlyMap<number, readonly RdataField[]> = new Map<number, readonly RdataField[]>([
  [2, [NAME]], // NS
  [3, [NAME]], // MD
  [4, [NAME]], // MF
  [5, [NAME]], // CNAME
  [6, [NAME, NAME, fixed(20)]], // SOA
  [7, [NAME]], // MB
  [8, [NAME]], // MG
  [9, [NAME]], // MR
  [12, [NAME]], // PTR
  [14, [NAME, NAME]], // MINFO
  [15, [fixed(2), NAME]], // MX
  [17, [NAME, NAME]], // RP (RFC 1183)
  [18, [fixed(2), NAME]], // AFSDB (RFC 1183)
  [21, [fixed(2), NAME]], // RT (RFC 1183)
  [26, [fixed(2), NAME, NAME]], // PX (RFC 2163)
  [33, [fixed(6), NAME]], // SRV (RFC 2782)
  [35, [fixed(4), { kind: 'strings', count: 3 }, NAME]], // NAPTR (RFC 3403)
  [36, [fixed(2), NAME]], // KX (RFC 2230)
  [39, [NAME]], // DNAME (RFC 6672)
]);

/** RFC 3597 §4: the only types whose RDATA names a sender may compress (the RFC 1035 well-known types). */
export const COMPRESSIBLE_RDATA_TYPES: ReadonlySet<number> = new Set([2, 3, 4, 5, 6, 7, 8, 9, 12, 14, 15]);

export interface Soa {
  mname: Name;
  rname: Name;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export interface Mx {
  preference: number;
  exchange: Name;
}

export interface Srv {
  priority: number;
  weight: number;
  port: number;
  target: Name;
}

/** TLSA (RFC 6698 §2.1); SMIMEA (RFC 8162) has the same layout. */
export interface Tlsa {
  usage: number;
  selector: number;
  mtype: number;
  data: Uint8Array;
}

function exactLength(rdata: Uint8Array, n: number, what: string): void {
  if (rdata.length !== n) throw new WireError('RDATA_BAD_LENGTH', `${what} RDATA has ${rdata.length} octets, expected ${n}`);
}


function noTrailing(rdata: Uint8Array, end: number, what: string): void {
  if (end !== rdata.length) throw new WireError('RDATA_TRAILING', `${what} RDATA has ${rdata.length - end} octets after its last field`);
}

/** Presentation form of an A or AAAA record's address; undefined for other types or a wrong RDATA length. */
export function addressOf(rr: { type: number; rdata: Uint8Array }): string | undefined {
  if (rr.type === T.A && rr.rdata.length === 4) return decodeA(rr.rdata);
  if (rr.type === T.AAAA && rr.rdata.length === 16) return decodeAaaa(rr.rdata);
  return undefined;
}

export function decodeA(rdata: Uint8Array): string {
  exactLength(rdata, 4, 'A');
  return Array.from(rdata).join('.');
}

/** RFC 5952 §4 text: lowercase, no leading zeros, the longest run (>= 2) of zero groups shortened to `::`. */
export function decodeAaaa(rdata: Uint8Array): string {
  exactLength(rdata, 16, 'AAAA');
  const v = rdataView(rdata);
  const groups = Array.from({ length: 8 }, (_, i) => v.getUint16(i * 2));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  // RFC 5952 §5: an IPv4-mapped address keeps its dotted-quad tail.
  if (bestStart === 0 && bestLen === 5 && groups[5] === 0xffff) return `::ffff:${Array.from(rdata.subarray(12)).join('.')}`;
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** The single target name of NS, CNAME, DNAME, PTR (and MD, MF, MB, MG, MR). */
export function decodeTargetName(rdata: Uint8Array): Name {
  const { name, next } = readRdataName(rdata, 0, 'target name');
  noTrailing(rdata, next, 'target name');
  return name;
}

export function decodeSoa(rdata: Uint8Array): Soa {
  const m = readRdataName(rdata, 0, 'SOA MNAME');
  const r = readRdataName(rdata, m.next, 'SOA RNAME');
  exactLength(rdata.subarray(r.next), 20, 'SOA counters in');
  const v = new DataView(rdata.buffer, rdata.byteOffset + r.next, 20);
  return {
    mname: m.name, rname: r.name,
    serial: v.getUint32(0), refresh: v.getUint32(4), retry: v.getUint32(8), expire: v.getUint32(12), minimum: v.getUint32(16),
  };
}

export function decodeMx(rdata: Uint8Array): Mx {
  rdataAtLeast(rdata, 3, 'MX');
  const x = readRdataName(rdata, 2, 'MX exchange');
  noTrailing(rdata, x.next, 'MX');
  return { preference: rdataView(rdata).getUint16(0), exchange: x.name };
}

/** <character-string>s (RFC 1035 §3.3): each a length octet and that many octets; TXT needs at least one. */
export function decodeCharacterStrings(rdata: Uint8Array, what = 'TXT'): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pos = 0;
  while (pos < rdata.length) {
    const len = rdata[pos]!;
    if (pos + 1 + len > rdata.length) throw new WireError('RDATA_TRUNCATED', `${what} string at RDATA offset ${pos} claims ${len} octets past the end`);
    out.push(rdata.subarray(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return out;
}

export function decodeTxt(rdata: Uint8Array): Uint8Array[] {
  rdataAtLeast(rdata, 1, 'TXT');
  return decodeCharacterStrings(rdata);
}

export function decodeSrv(rdata: Uint8Array): Srv {
  rdataAtLeast(rdata, 7, 'SRV');
  const v = rdataView(rdata);
  const t = readRdataName(rdata, 6, 'SRV target');
  noTrailing(rdata, t.next, 'SRV');
  return { priority: v.getUint16(0), weight: v.getUint16(2), port: v.getUint16(4), target: t.name };
}

export function decodeTlsa(rdata: Uint8Array): Tlsa {
  rdataAtLeast(rdata, 3, 'TLSA');
  return { usage: rdata[0]!, selector: rdata[1]!, mtype: rdata[2]!, data: rdata.subarray(3) };
}

/** <character-string> in presentation format: quoted, `"` and `\` escaped, other non-printables as \DDD. */
export function characterStringToText(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out += '\\' + String.fromCharCode(b);
    else if (b < 0x20 || b >= 0x7f) out += '\\' + String(b).padStart(3, '0');
    else out += String.fromCharCode(b);
  }
  return out + '"';
}

/** RFC 4034 §3.2: YYYYMMDDHHmmSS in UTC for a 32-bit seconds-since-epoch value (no clock is read). */
export function formatRrsigTime(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const rem = seconds - days * 86400;
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm), valid for every 32-bit value.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${year}${p2(month)}${p2(day)}${p2(Math.floor(rem / 3600))}${p2(Math.floor((rem % 3600) / 60))}${p2(rem % 60)}`;
}

/** RFC 3597 §5 generic form: `\# LEN HEX`. */
export function unknownRdataToText(rdata: Uint8Array): string {
  return rdata.length === 0 ? '\\# 0' : `\\# ${rdata.length} ${toHex(rdata)}`;
}

function typeList(types: number[]): string {
  return types.map(typeName).join(' ');
}

function dnssecRdataToText(type: number, rdata: Uint8Array): string | undefined {
  switch (type) {
    case T.RRSIG: {
      const s = decodeRrsig(rdata);
      return `${typeName(s.typeCovered)} ${s.algorithm} ${s.labels} ${s.originalTtl} ${formatRrsigTime(s.expiration)} ` +
        `${formatRrsigTime(s.inception)} ${s.keyTag} ${s.signerName.toString()} ${toBase64(s.signature)}`;
    }
    case T.DNSKEY: case T.CDNSKEY: {
      const k = decodeDnskey(rdata);
      return `${k.flags} ${k.protocol} ${k.algorithm} ${toBase64(k.publicKey)}`;
    }
    case T.DS: case T.CDS: {
      const d = decodeDs(rdata);
      return `${d.keyTag} ${d.algorithm} ${d.digestType} ${toHex(d.digest)}`;
    }
    case T.NSEC: {
      const n = decodeNsec(rdata);
      return [n.next.toString(), typeList(n.types.types)].filter((s) => s !== '').join(' ');
    }
    case T.NSEC3: {
      const n = decodeNsec3(rdata);
      const head = `${n.hashAlgorithm} ${n.flags} ${n.iterations} ${n.salt.length ? toHex(n.salt) : '-'} ${toBase32Hex(n.nextHashed)}`;
      const types = typeList(n.types.types);
      return types ? `${head} ${types}` : head;
    }
    case T.NSEC3PARAM: {
      const p = decodeNsec3Param(rdata);
      if (5 + p.salt.length !== rdata.length) throw new WireError('RDATA_TRAILING', 'NSEC3PARAM RDATA has octets after the salt');
      return `${p.hashAlgorithm} ${p.flags} ${p.iterations} ${p.salt.length ? toHex(p.salt) : '-'}`;
    }
    default:
      return undefined;
  }
}

function plainRdataToText(type: number, rdata: Uint8Array): string | undefined {
  switch (type) {
    case T.A: return decodeA(rdata);
    case T.AAAA: return decodeAaaa(rdata);
    case T.NS: case T.CNAME: case T.DNAME: case T.PTR: return decodeTargetName(rdata).toString();
    case T.SOA: {
      const s = decodeSoa(rdata);
      return `${s.mname.toString()} ${s.rname.toString()} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
    }
    case T.MX: {
      const m = decodeMx(rdata);
      return `${m.preference} ${m.exchange.toString()}`;
    }
    case T.TXT: return decodeTxt(rdata).map(characterStringToText).join(' ');
    case T.SRV: {
      const s = decodeSrv(rdata);
      return `${s.priority} ${s.weight} ${s.port} ${s.target.toString()}`;
    }
    case T.TLSA: case T.SMIMEA: {
      const t = decodeTlsa(rdata);
      // An empty association field has no hex presentation; fall back to the generic form.
      return t.data.length === 0 ? undefined : `${t.usage} ${t.selector} ${t.mtype} ${toHex(t.data)}`;
    }
    default:
      return undefined;
  }
}

/**
 * Presentation format of RDATA (RFC 1035 §5.1, RFC 4034 §2.2–§5.2, RFC 5155 §3.3, RFC 6698 §2.2).
 * Unknown types, and known types whose RDATA does not decode, print in the RFC 3597 generic form.
 */
export function rdataToText(type: number, rdata: Uint8Array): string {
  try {
    return plainRdataToText(type, rdata) ?? dnssecRdataToText(type, rdata) ?? unknownRdataToText(rdata);
  } catch (e) {
    if (e instanceof WireError) return unknownRdataToText(rdata);
    throw e;
  }
}
