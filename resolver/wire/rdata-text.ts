/**
 * RDATA presentation format -> exact wire RDATA, one encoder per type (RFC 1035 §3.3, §5.1; RFC 3596; RFC 2782;
 * RFC 4034 §2.2, §3.2, §4.2, §5.3; RFC 5155 §3.3, §4.3; RFC 6698 §2.2; RFC 8162; RFC 4255; RFC 8659; RFC 3597 §5).
 *
 * Input is the RDATA tokens of one entry, already split by the zone-file tokenizer with escapes kept verbatim.
 * Names are kept exactly (case, `\.`, `\DDD`), so the bytes are the ones a signer signed.
 * Every failure is an RdataTextError with a stable code; the zone parser adds file and line.
 */
import { Name } from './name.js';
import { T } from './types.js';
import { fromBase64, fromHex, fromBase32Hex } from './encoding.js';
import { TypeBitmap } from './dnssec-rdata.js';

/** One token of an entry: `text` has escapes kept verbatim; `quoted` when it came from "…". */
export interface ZoneToken {
  text: string;
  quoted: boolean;
}

export class RdataTextError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'RdataTextError';
  }
}

/** Types named in zone files beyond those in types.ts (IANA registry), so NSEC bitmaps and owners can use them. */
const EXTRA_TYPES: Record<string, number> = {
  MD: 3, MF: 4, MB: 7, MG: 8, MR: 9, NULL: 10, WKS: 11, HINFO: 13, MINFO: 14, RP: 17, AFSDB: 18, X25: 19,
  ISDN: 20, RT: 21, NSAP: 22, SIG: 24, KEY: 25, PX: 26, GPOS: 27, LOC: 29, NXT: 30, EID: 31, NIMLOC: 32,
  ATMA: 34, KX: 36, CERT: 37, A6: 38, SINK: 40, APL: 42, IPSECKEY: 45, DHCID: 49, HIP: 55, NINFO: 56,
  RKEY: 57, TALINK: 58, CSYNC: 62, ZONEMD: 63, SPF: 99, NID: 104, L32: 105, L64: 106, LP: 107, EUI48: 108,
  EUI64: 109, TKEY: 249, TSIG: 250, URI: 256, AVC: 258, DOA: 259, AMTRELAY: 260, TA: 32768, DLV: 32769,
};
const TYPE_BY_NAME = new Map<string, number>([...Object.entries(T), ...Object.entries(EXTRA_TYPES)]);
const NAME_BY_TYPE = new Map<number, string>([...TYPE_BY_NAME].map(([k, v]) => [v, k]));

/** Type number from a mnemonic or RFC 3597 `TYPEnnn`, case-insensitive; undefined when unknown. */
export function typeFromText(text: string): number | undefined {
  const up = text.toUpperCase();
  const known = TYPE_BY_NAME.get(up);
  if (known !== undefined && known !== T.ANY) return known;
  const m = /^TYPE(\d{1,5})$/.exec(up);
  if (m && Number(m[1]) <= 0xffff) return Number(m[1]);
  return undefined;
}

/** Mnemonic or `TYPEnnn` (for messages). */
export function typeText(type: number): string {
  return NAME_BY_TYPE.get(type) ?? `TYPE${type}`;
}

/** DNSSEC algorithm mnemonics accepted in place of numbers (RFC 4034 App. A.1, IANA registry). */
const ALGORITHMS: Record<string, number> = {
  RSAMD5: 1, DH: 2, DSA: 3, RSASHA1: 5, 'DSA-NSEC3-SHA1': 6, 'RSASHA1-NSEC3-SHA1': 7, NSEC3RSASHA1: 7,
  NSEC3DSA: 6, RSASHA256: 8, RSASHA512: 10, 'ECC-GOST': 12, ECDSAP256SHA256: 13, ECDSAP384SHA384: 14,
  ED25519: 15, ED448: 16, INDIRECT: 252, PRIVATEDNS: 253, PRIVATEOID: 254,
};

// ---------------------------------------------------------------------------------------------------------------
// Small readers over the token list

class Reader {
  private pos = 0;
  constructor(private readonly tokens: readonly ZoneToken[], readonly origin: Name | undefined, readonly typeLabel: string) {}

  get remaining(): number {
    return this.tokens.length - this.pos;
  }

  next(what: string): ZoneToken {
    const t = this.tokens[this.pos];
    if (t === undefined) throw new RdataTextError('RDATA_MISSING_FIELD', `${this.typeLabel} RDATA is missing its ${what}`);
    this.pos++;
    return t;
  }

  /** An unquoted token (numbers, names, encodings are never quoted). */
  plain(what: string): string {
    const t = this.next(what);
    if (t.quoted) throw new RdataTextError('RDATA_BAD_FIELD', `${this.typeLabel} ${what} must not be quoted`);
    return t.text;
  }

  /** All remaining tokens joined: base64/hex fields may be split by whitespace (RFC 4034 §2.2, §5.3). */
  rest(what: string, allowEmpty: boolean): string {
    const parts: string[] = [];
    while (this.remaining > 0) parts.push(this.plain(what));
    if (parts.length === 0 && !allowEmpty) throw new RdataTextError('RDATA_MISSING_FIELD', `${this.typeLabel} RDATA is missing its ${what}`);
    return parts.join('');
  }

  end(): void {
    if (this.remaining > 0) {
      throw new RdataTextError('RDATA_TRAILING', `${this.typeLabel} RDATA has unexpected extra text ${JSON.stringify(this.tokens[this.pos]!.text.slice(0, 40))}`);
    }
  }

  uint(what: string, max: number): number {
    return parseUint(this.plain(what), max, `${this.typeLabel} ${what}`);
  }

  name(what: string): Name {
    return parseNameToken(this.plain(what), this.origin, `${this.typeLabel} ${what}`);
  }

  algorithm(): number {
    const text = this.plain('algorithm');
    const mnemonic = ALGORITHMS[text.toUpperCase()];
    return mnemonic ?? parseUint(text, 0xff, `${this.typeLabel} algorithm`);
  }
}

export function parseUint(text: string, max: number, what: string): number {
  if (!/^\d{1,10}$/.test(text)) throw new RdataTextError('BAD_NUMBER', `${what}: ${JSON.stringify(text.slice(0, 40))} is not a decimal number`);
  const v = Number(text);
  if (v > max) throw new RdataTextError('NUMBER_OUT_OF_RANGE', `${what}: ${v} exceeds ${max}`);
  return v;
}

/** True when presentation text ends in an unescaped dot, i.e. names an absolute name (RFC 1035 §5.1). */
export function isAbsoluteText(text: string): boolean {
  if (text === '.') return true;
  if (!text.endsWith('.')) return false;
  let backslashes = 0;
  for (let i = text.length - 2; i >= 0 && text[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

/** A name token: `@` is the origin, a relative name needs an origin. */
export function parseNameToken(text: string, origin: Name | undefined, what: string): Name {
  if (text === '@' || !isAbsoluteText(text)) {
    if (origin === undefined) throw new RdataTextError('NO_ORIGIN', `${what}: relative name ${JSON.stringify(text.slice(0, 60))} but no $ORIGIN is set`);
    return Name.parse(text, origin);
  }
  return Name.parse(text);
}

// ---------------------------------------------------------------------------------------------------------------
// Byte builder

class Bytes {
  private readonly out: number[] = [];
  u8(v: number): this { this.out.push(v & 0xff); return this; }
  u16(v: number): this { this.out.push((v >>> 8) & 0xff, v & 0xff); return this; }
  u32(v: number): this { this.out.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff); return this; }
  bytes(b: Uint8Array): this { for (const x of b) this.out.push(x); return this; }
  done(): Uint8Array { return Uint8Array.from(this.out); }
}

// ---------------------------------------------------------------------------------------------------------------
// Text fields

/** Decodes `\X` and `\DDD` escapes of a character-string (RFC 1035 §5.1); other characters become UTF-8 bytes. */
export function unescapeText(text: string, what: string): Uint8Array {
  const raw = new TextEncoder().encode(text);
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== 0x5c) { out.push(c); continue; }
    if (i + 1 >= raw.length) throw new RdataTextError('BAD_ESCAPE', `${what}: dangling backslash`);
    const d = raw[i + 1]!;
    if (d >= 0x30 && d <= 0x39) {
      const digits = raw.subarray(i + 1, i + 4);
      if (digits.length < 3 || !digits.every((x) => x >= 0x30 && x <= 0x39)) throw new RdataTextError('BAD_ESCAPE', `${what}: \\DDD escape needs three digits`);
      const v = (digits[0]! - 0x30) * 100 + (digits[1]! - 0x30) * 10 + (digits[2]! - 0x30);
      if (v > 255) throw new RdataTextError('BAD_ESCAPE', `${what}: \\DDD escape ${v} exceeds 255`);
      out.push(v);
      i += 3;
    } else {
      out.push(d);
      i += 1;
    }
  }
  return Uint8Array.from(out);
}

/** A <character-string>: one length octet, at most 255 octets (RFC 1035 §3.3). */
function characterString(token: ZoneToken, what: string): Uint8Array {
  const bytes = unescapeText(token.text, what);
  if (bytes.length > 255) throw new RdataTextError('STRING_TOO_LONG', `${what}: character-string of ${bytes.length} octets exceeds 255`);
  const out = new Uint8Array(bytes.length + 1);
  out[0] = bytes.length;
  out.set(bytes, 1);
  return out;
}

function decodeHex(text: string, what: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new RdataTextError('BAD_HEX', `${what}: not an even-length hex string`);
  return fromHex(text);
}

function decodeBase64(text: string, what: string): Uint8Array {
  // RFC 4648 §4: padded base64; a length not a multiple of 4 is malformed.
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new RdataTextError('BAD_BASE64', `${what}: not base64`);
  return fromBase64(text);
}

// ---------------------------------------------------------------------------------------------------------------
// Addresses

function parseIPv4(text: string, what: string): Uint8Array {
  const parts = text.split('.');
  if (parts.length !== 4) throw new RdataTextError('BAD_ADDRESS', `${what}: ${JSON.stringify(text.slice(0, 40))} is not a dotted-quad IPv4 address`);
  return Uint8Array.from(parts.map((p) => {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new RdataTextError('BAD_ADDRESS', `${what}: ${JSON.stringify(text.slice(0, 40))} is not a dotted-quad IPv4 address`);
    return Number(p);
  }));
}

/** RFC 4291 §2.2 text forms, including `::` and a trailing dotted quad. */
export function parseIPv6(text: string, what: string): Uint8Array {
  const bad = (): RdataTextError => new RdataTextError('BAD_ADDRESS', `${what}: ${JSON.stringify(text.slice(0, 60))} is not an IPv6 address`);
  if (text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) throw bad();
  const halves = text.split('::');
  if (halves.length > 2) throw bad();
  const groups = (s: string): number[] => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    parts.forEach((p, i) => {
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p, what);
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else throw bad();
    });
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (halves.length === 1 && head.length !== 8) throw bad();
  if (halves.length === 2 && head.length + tail.length > 7) throw bad();
  const all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  const b = new Bytes();
  for (const g of all) b.u16(g);
  return b.done();
}

// ---------------------------------------------------------------------------------------------------------------
// RRSIG dates (RFC 4034 §3.2): YYYYMMDDHHmmSS in UTC, or plain seconds; stored modulo 2^32 (RFC 1982 serial).

function daysFromCivil(y: number, m: number, d: number): number {
  // Howard Hinnant's days_from_civil: pure arithmetic, no clock.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function parseRrsigTime(text: string, what: string): number {
  if (/^\d{14}$/.test(text)) {
    const [y, mo, d, h, mi, s] = [text.slice(0, 4), text.slice(4, 6), text.slice(6, 8), text.slice(8, 10), text.slice(10, 12), text.slice(12, 14)].map(Number) as [number, number, number, number, number, number];
    const monthDays = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > monthDays[mo - 1]! || h > 23 || mi > 59 || s > 59) {
      throw new RdataTextError('BAD_TIME', `${what}: ${text} is not a valid YYYYMMDDHHmmSS time`);
    }
    const secs = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return secs % 0x100000000;
  }
  return parseUint(text, 0xffffffff, what);
}

// ---------------------------------------------------------------------------------------------------------------
// Per-type encoders

type Encoder = (r: Reader) => Uint8Array;

function typeBitmap(r: Reader): Uint8Array {
  const types: number[] = [];
  while (r.remaining > 0) {
    const text = r.plain('type list');
    const t = typeFromText(text);
    if (t === undefined) throw new RdataTextError('UNKNOWN_TYPE', `${r.typeLabel} type list: unknown type ${JSON.stringify(text.slice(0, 40))}`);
    types.push(t);
  }
  return TypeBitmap.fromTypes(types).encode();
}

function salt(r: Reader): Uint8Array {
  const text = r.plain('salt');
  // RFC 5155 §3.3: "-" is an empty salt.
  const bytes = text === '-' ? new Uint8Array(0) : decodeHex(text, `${r.typeLabel} salt`);
  if (bytes.length > 255) throw new RdataTextError('SALT_TOO_LONG', `${r.typeLabel} salt of ${bytes.length} octets exceeds 255`);
  return new Bytes().u8(bytes.length).bytes(bytes).done();
}

const singleName: Encoder = (r) => { const n = r.name('name'); r.end(); return n.wire; };

const dsLike: Encoder = (r) => {
  const b = new Bytes().u16(r.uint('key tag', 0xffff)).u8(r.algorithm()).u8(r.uint('digest type', 0xff));
  return b.bytes(decodeHex(r.rest('digest', false), `${r.typeLabel} digest`)).done();
};

const dnskeyLike: Encoder = (r) => {
  const b = new Bytes().u16(r.uint('flags', 0xffff)).u8(r.uint('protocol', 0xff)).u8(r.algorithm());
  return b.bytes(decodeBase64(r.rest('public key', false), `${r.typeLabel} public key`)).done();
};

const tlsaLike: Encoder = (r) => {
  const b = new Bytes().u8(r.uint('usage', 0xff)).u8(r.uint('selector', 0xff)).u8(r.uint('matching type', 0xff));
  return b.bytes(decodeHex(r.rest('certificate data', false), `${r.typeLabel} certificate data`)).done();
};

const ENCODERS = new Map<number, Encoder>([
  [T.A, (r) => { const a = parseIPv4(r.plain('address'), 'A address'); r.end(); return a; }],
  [T.AAAA, (r) => { const a = parseIPv6(r.plain('address'), 'AAAA address'); r.end(); return a; }],
  [T.NS, singleName], [T.CNAME, singleName], [T.DNAME, singleName], [T.PTR, singleName],
  [T.SOA, (r) => {
    const b = new Bytes().bytes(r.name('primary server').wire).bytes(r.name('responsible mailbox').wire);
    b.u32(r.uint('serial', 0xffffffff));
    for (const field of ['refresh', 'retry', 'expire', 'minimum']) b.u32(parseTtl(r.plain(field), `SOA ${field}`));
    r.end();
    return b.done();
  }],
  [T.MX, (r) => { const b = new Bytes().u16(r.uint('preference', 0xffff)).bytes(r.name('exchange').wire); r.end(); return b.done(); }],
  [T.TXT, (r) => {
    const b = new Bytes();
    if (r.remaining === 0) throw new RdataTextError('RDATA_MISSING_FIELD', 'TXT RDATA needs at least one character-string');
    while (r.remaining > 0) b.bytes(characterString(r.next('text'), 'TXT'));
    return b.done();
  }],
  [EXTRA_TYPES.HINFO!, (r) => {
    const b = new Bytes().bytes(characterString(r.next('CPU'), 'HINFO CPU')).bytes(characterString(r.next('OS'), 'HINFO OS'));
    r.end();
    return b.done();
  }],
  [T.SRV, (r) => {
    const b = new Bytes().u16(r.uint('priority', 0xffff)).u16(r.uint('weight', 0xffff)).u16(r.uint('port', 0xffff));
    b.bytes(r.name('target').wire);
    r.end();
    return b.done();
  }],
  [T.DS, dsLike], [T.CDS, dsLike], [EXTRA_TYPES.DLV!, dsLike], [EXTRA_TYPES.TA!, dsLike],
  [T.DNSKEY, dnskeyLike], [T.CDNSKEY, dnskeyLike],
  [T.RRSIG, (r) => {
    const covered = r.plain('type covered');
    const type = typeFromText(covered);
    if (type === undefined) throw new RdataTextError('UNKNOWN_TYPE', `RRSIG type covered: unknown type ${JSON.stringify(covered.slice(0, 40))}`);
    const b = new Bytes().u16(type).u8(r.algorithm()).u8(r.uint('labels', 0xff)).u32(r.uint('original TTL', 0xffffffff));
    b.u32(parseRrsigTime(r.plain('expiration'), 'RRSIG expiration')).u32(parseRrsigTime(r.plain('inception'), 'RRSIG inception'));
    b.u16(r.uint('key tag', 0xffff)).bytes(r.name('signer name').wire);
    return b.bytes(decodeBase64(r.rest('signature', false), 'RRSIG signature')).done();
  }],
  [T.NSEC, (r) => new Bytes().bytes(r.name('next domain name').wire).bytes(typeBitmap(r)).done()],
  [T.NSEC3, (r) => {
    const b = new Bytes().u8(r.uint('hash algorithm', 0xff)).u8(r.uint('flags', 0xff)).u16(r.uint('iterations', 0xffff)).bytes(salt(r));
    const nextText = r.plain('next hashed owner name');
    const next = fromBase32Hex(nextText);
    // RFC 5155 §3.2: the next hashed owner is 1..255 octets, unpadded base32hex.
    if (next === undefined || next.length === 0 || next.length > 255 || /=/.test(nextText)) {
      throw new RdataTextError('BAD_BASE32', `NSEC3 next hashed owner name ${JSON.stringify(nextText.slice(0, 60))} is not base32hex`);
    }
    return b.u8(next.length).bytes(next).bytes(typeBitmap(r)).done();
  }],
  [T.NSEC3PARAM, (r) => {
    const b = new Bytes().u8(r.uint('hash algorithm', 0xff)).u8(r.uint('flags', 0xff)).u16(r.uint('iterations', 0xffff)).bytes(salt(r));
    r.end();
    return b.done();
  }],
  [T.TLSA, tlsaLike], [T.SMIMEA, tlsaLike],
  [T.SSHFP, (r) => {
    const b = new Bytes().u8(r.algorithm()).u8(r.uint('fingerprint type', 0xff));
    return b.bytes(decodeHex(r.rest('fingerprint', false), 'SSHFP fingerprint')).done();
  }],
  [T.OPENPGPKEY, (r) => decodeBase64(r.rest('public key', false), 'OPENPGPKEY public key')],
  [T.CAA, (r) => {
    const flags = r.uint('flags', 0xff);
    const tag = r.plain('tag');
    // RFC 8659 §4.1.1: the tag is a non-empty string of ASCII letters and digits.
    if (!/^[A-Za-z0-9]{1,255}$/.test(tag)) throw new RdataTextError('BAD_CAA_TAG', `CAA tag ${JSON.stringify(tag.slice(0, 40))} must be letters and digits`);
    const value = unescapeText(r.next('value').text, 'CAA value');
    r.end();
    return new Bytes().u8(flags).u8(tag.length).bytes(new TextEncoder().encode(tag)).bytes(value).done();
  }],
]);

/** RFC 3597 §5: `\# <length> <hex…>` for any type. */
function genericRdata(r: Reader): Uint8Array {
  r.plain('\\# marker');
  const length = r.uint('RFC 3597 length', 0xffff);
  const data = decodeHex(r.rest('RFC 3597 data', length === 0), `${r.typeLabel} RFC 3597 data`);
  if (data.length !== length) throw new RdataTextError('GENERIC_LENGTH_MISMATCH', `${r.typeLabel} \\# says ${length} octets but the hex holds ${data.length}`);
  return data;
}

/** TTL-style durations: seconds, or BIND units such as `1h30m`, `2W` (up to 2^32-1). */
export function parseTtl(text: string, what: string): number {
  let total: number;
  if (/^\d{1,10}$/.test(text)) total = Number(text);
  else if (/^(\d{1,10}[WwDdHhMmSs])+$/.test(text)) {
    const unit: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
    total = 0;
    for (const m of text.matchAll(/(\d+)([WwDdHhMmSs])/g)) total += Number(m[1]) * unit[m[2]!.toLowerCase()]!;
  } else throw new RdataTextError('BAD_TTL', `${what}: ${JSON.stringify(text.slice(0, 40))} is not a time value`);
  if (total > 0xffffffff) throw new RdataTextError('NUMBER_OUT_OF_RANGE', `${what}: ${total} exceeds 4294967295`);
  return total;
}

/**
 * Encodes the RDATA tokens of a record of `type` (class IN semantics) into wire RDATA.
 * `origin` completes relative names; undefined means relative names are an error.
 */
export function encodeRdata(type: number, tokens: readonly ZoneToken[], origin: Name | undefined): Uint8Array {
  const r = new Reader(tokens, origin, typeText(type));
  const first = tokens[0];
  if (first !== undefined && !first.quoted && first.text === '\\#') return genericRdata(r);
  const encoder = ENCODERS.get(type);
  if (encoder === undefined) {
    throw new RdataTextError('UNSUPPORTED_TYPE', `no presentation format for ${typeText(type)} here; write it as RFC 3597 \\# <length> <hex>`);
  }
  const rdata = encoder(r);
  if (rdata.length > 0xffff) throw new RdataTextError('RDATA_TOO_LONG', `${typeText(type)} RDATA of ${rdata.length} octets exceeds 65535`);
  return rdata;
}
