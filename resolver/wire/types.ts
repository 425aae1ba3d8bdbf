/** Record, question and message shapes shared by every layer. Raw RDATA is kept exactly as signed. */
import type { Name } from './name.js';

/** RR type numbers used by daneel (IANA "Resource Record (RR) TYPEs"). */
export const T = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, NAPTR: 35, DNAME: 39, OPT: 41,
  DS: 43, SSHFP: 44, RRSIG: 46, NSEC: 47, DNSKEY: 48, NSEC3: 50, NSEC3PARAM: 51, TLSA: 52, SMIMEA: 53,
  CDS: 59, CDNSKEY: 60, OPENPGPKEY: 61, SVCB: 64, HTTPS: 65, CAA: 257, ANY: 255,
} as const;

export const CLASS_IN = 1;

/** Response codes (RFC 1035 §4.1.1, RFC 6891 extended). */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16 } as const;

const TYPE_NAMES = new Map<number, string>(Object.entries(T).map(([k, v]) => [v, k]));
const TYPE_NUMBERS = new Map<string, number>(Object.entries(T));
const RCODE_NAMES = new Map<number, string>(Object.entries(RCODE).map(([k, v]) => [v, k]));

/** Mnemonic for a type, or the RFC 3597 form `TYPE123`. */
export function typeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `TYPE${type}`;
}

/** Type number from a mnemonic or `TYPE123`; undefined when unknown. */
export function typeFromName(text: string): number | undefined {
  const up = text.toUpperCase();
  const known = TYPE_NUMBERS.get(up);
  if (known !== undefined) return known;
  const m = /^TYPE(\d{1,5})$/.exec(up);
  if (m && Number(m[1]) <= 0xffff) return Number(m[1]);
  return undefined;
}

export function rcodeName(rcode: number): string {
  return RCODE_NAMES.get(rcode) ?? `RCODE${rcode}`;
}

/** One resource record. `rdata` is the uncompressed wire RDATA, case preserved, exactly as received or signed. */
export interface RR {
  name: Name;
  type: number;
  class: number;
  ttl: number;
  rdata: Uint8Array;
}

export interface Question {
  name: Name;
  type: number;
  class: number;
}

export interface EdnsOption {
  code: number;
  data: Uint8Array;
}

/** EDNS(0) pseudo-record contents (RFC 6891 §6.1.3). */
export interface EdnsInfo {
  udpSize: number;
  version: number;
  /** DNSSEC OK (RFC 3225). */
  do: boolean;
  options: EdnsOption[];
}

export interface HeaderFlags {
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  /** Authentic Data (RFC 4035 §3.2.3). */
  ad: boolean;
  /** Checking Disabled (RFC 4035 §3.2.2). */
  cd: boolean;
}

/** A DNS message. `rcode` includes the EDNS extended bits; the OPT record is lifted into `edns`. */
export interface Message {
  id: number;
  flags: HeaderFlags;
  rcode: number;
  question: Question[];
  answer: RR[];
  authority: RR[];
  additional: RR[];
  edns?: EdnsInfo;
}
