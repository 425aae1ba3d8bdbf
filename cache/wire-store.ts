/**
 * The fast path's wire work, pure: read just enough of a query to find its stored response (the question, and
 * the OPT record for DO and the UDP size), find the TTL fields of a stored response, and copy it out with
 * the ID, RD and question bytes of the new query and the TTLs decremented. Anything unusual (opcode, counts,
 * EDNS version, trailing bytes) returns undefined and the query takes the full path through handleQuery, which
 * keeps every refusal rule in one place.
 */
import { Name } from '../resolver/wire/name.js';
import { CLASS_IN, T } from '../resolver/wire/types.js';
import { nameKey } from './entries.js';

const HEADER = 12;

/** What a query's response depends on (handler.ts): question, DO, CD, AD-request, EDNS present; RD is patched. */
export interface WireQuestion {
  qname: Name;
  qtype: number;
  /** Key of the stored response: question + the flags that change it. */
  key: string;
  /** End of the question section (the question bytes are copied into the reply, case as the client sent). */
  questionEnd: number;
  /** The client's EDNS UDP payload size, or undefined without EDNS. */
  udpSize: number | undefined;
}

const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;

/** Parses a plain query: opcode 0, QR clear, one IN question, no answer/authority, at most an OPT version 0. */
export function parseWireQuery(b: Uint8Array): WireQuestion | undefined {
  if (b.length < HEADER + 5) return undefined;
  const hi = b[2]!;
  const lo = b[3]!;
  if ((hi & 0x80) !== 0 || (hi & 0x78) !== 0) return undefined; // QR set, or opcode not QUERY
  if (u16(b, 4) !== 1 || u16(b, 6) !== 0 || u16(b, 8) !== 0 || u16(b, 10) > 1) return undefined;
  let qname: Name;
  let at: number;
  try {
    ({ name: qname, next: at } = Name.decode(b, HEADER));
  } catch {
    return undefined;
  }
  if (at + 4 > b.length || at !== HEADER + qname.wireLength) return undefined; // a compressed question name
  const qtype = u16(b, at);
  if (u16(b, at + 2) !== CLASS_IN) return undefined;
  const questionEnd = at + 4;
  let udpSize: number | undefined;
  let dnssecOk = false;
  let end = questionEnd;
  if (u16(b, 10) === 1) {
    // OPT: root owner, type 41, class = UDP size, TTL = ext-rcode, version, DO (RFC 6891 §6.1.2-3).
    if (end + 11 > b.length || b[end] !== 0 || u16(b, end + 1) !== T.OPT) return undefined;
    if (b[end + 6] !== 0) return undefined; // EDNS version other than 0: BADVERS on the full path
    udpSize = u16(b, end + 3);
    dnssecOk = (b[end + 7]! & 0x80) !== 0;
    end += 11 + u16(b, end + 9);
  }
  if (end !== b.length) return undefined;
  const key = wireKey(qname, qtype, dnssecOk, (lo & 0x10) !== 0, (lo & 0x20) !== 0, udpSize !== undefined);
  return { qname, qtype, key, questionEnd, udpSize };
}

/** The stored-response key: question plus DO, CD, AD-request and EDNS presence, the inputs of buildAnswer. */
export function wireKey(qname: Name, qtype: number, dnssecOk: boolean, cd: boolean, ad: boolean, edns: boolean): string {
  const flags = (dnssecOk ? 1 : 0) | (cd ? 2 : 0) | (ad ? 4 : 0) | (edns ? 8 : 0);
  return `w${nameKey(qname)}|${qtype}|${flags}`;
}

/**
 * Offsets and values of every RR TTL in a response (the OPT pseudo-record's TTL field holds flags and is left
 * alone). Undefined when the response cannot be walked (it then is not stored).
 */
export function findTtls(b: Uint8Array): { at: Uint32Array; ttls: Uint32Array } | undefined {
  if (b.length < HEADER) return undefined;
  const qd = u16(b, 4);
  const rrCount = u16(b, 6) + u16(b, 8) + u16(b, 10);
  let at = HEADER;
  const skipName = (): boolean => {
    for (;;) {
      if (at >= b.length) return false;
      const len = b[at]!;
      if (len === 0) { at += 1; return true; }
      if ((len & 0xc0) === 0xc0) { at += 2; return true; }
      if ((len & 0xc0) !== 0) return false;
      at += len + 1;
    }
  };
  for (let i = 0; i < qd; i++) {
    if (!skipName()) return undefined;
    at += 4;
  }
  const offsets: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rrCount; i++) {
    if (!skipName() || at + 10 > b.length) return undefined;
    const type = u16(b, at);
    if (type !== T.OPT) {
      offsets.push(at + 4);
      values.push(((b[at + 4]! << 24) >>> 0) + (b[at + 5]! << 16) + (b[at + 6]! << 8) + b[at + 7]!);
    }
    at += 10 + u16(b, at + 8);
  }
  if (at !== b.length) return undefined;
  return { at: Uint32Array.from(offsets), ttls: Uint32Array.from(values) };
}

/**
 * The stored response for a new query: one copy, then ID and RD from the query, the question bytes as the
 * client wrote them (0x20 case), and each TTL less the whole seconds elapsed since it was stored.
 */
export function patchResponse(stored: Uint8Array, ttlAt: Uint32Array, ttls: Uint32Array, elapsedS: number, query: Uint8Array, questionEnd: number): Uint8Array {
  const out = new Uint8Array(stored);
  out[0] = query[0]!;
  out[1] = query[1]!;
  out[2] = (out[2]! & ~0x01) | (query[2]! & 0x01); // RD echoed (RFC 1035 §4.1.1)
  out.set(query.subarray(HEADER, questionEnd), HEADER);
  for (let i = 0; i < ttlAt.length; i++) {
    const ttl = Math.max(0, ttls[i]! - elapsedS);
    const o = ttlAt[i]!;
    out[o] = ttl >>> 24;
    out[o + 1] = (ttl >>> 16) & 0xff;
    out[o + 2] = (ttl >>> 8) & 0xff;
    out[o + 3] = ttl & 0xff;
  }
  return out;
}
