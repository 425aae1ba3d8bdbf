/**
 * What the cache holds, and how many bytes each entry is charged against the budget. Keys are strings built
 * from Name.key (case-folded label bytes), so `Example.` and `example.` share one entry.
 */
import { lowerByte, type Name } from '../resolver/wire/name.js';
import type { RR } from '../resolver/wire/types.js';
import type { Verdict } from '../resolver/dnssec/verdict.js';
import type { ResolveResult } from '../resolver/api.js';
import type { Rank } from './rank.js';

/** One RRset with its RRSIGs, its trust rank and the verdict of the resolution it came from. */
export interface RrsetEntry {
  kind: 'rrset';
  name: Name;
  type: number;
  class: number;
  rrs: RR[];
  sigs: RR[];
  rank: Rank;
  verdict: Verdict;
  /** The zone whose key signed it (RRSIG Signer's Name), for secure data; used by NSEC synthesis and keep-warm. */
  signer?: Name;
  storedAt: number;
  expiresAt: number;
}

/** A question answered before: the rcode, the verdict and the RRsets (by key) that make up each section. */
export interface AnswerEntry {
  kind: 'answer';
  qname: Name;
  qtype: number;
  rcode: number;
  answer: string[];
  authority: string[];
  verdict: Verdict;
  /** True for NXDOMAIN and NODATA (RFC 2308): the authority TTLs are capped by the negative TTL. */
  negative: boolean;
  storedAt: number;
  expiresAt: number;
}

/** RFC 4035 §4.7 bad cache: a bogus verdict remembered for a short time; RFC 9520 §3.2: a resolution failure too. */
export interface BadEntry {
  kind: 'bad';
  result: ResolveResult;
  storedAt: number;
  expiresAt: number;
  /** Resolution failures only: how many in a row (the next one is remembered twice as long). */
  failures?: number;
}

/** A response already encoded for one question and flag set: the fast path copies it (wire-store.ts). */
export interface WireEntry {
  kind: 'wire';
  bytes: Uint8Array;
  /** Offsets of every TTL field (OPT excluded) and the TTL each held when stored. */
  ttlAt: Uint32Array;
  ttls: Uint32Array;
  storedAt: number;
  expiresAt: number;
  /** The answer entry it was built from; when that is replaced (a refresh), this one is no longer served. */
  source: AnswerEntry;
}

export type Entry = RrsetEntry | AnswerEntry | BadEntry | WireEntry;

/**
 * The same string as Name.key (length byte, lowercased label bytes), built flat in one go: Name.key is built by
 * appending characters, a rope V8 keeps as hundreds of small pieces, and cache keys live as long as the entry.
 */
export function nameKey(name: Name): string {
  const codes: number[] = [];
  for (const label of name.labels) {
    codes.push(label.length);
    for (const b of label) codes.push(lowerByte(b));
  }
  return String.fromCharCode(...codes);
}

export const rrsetKey = (name: Name, type: number, cls: number): string => `r${nameKey(name)}|${type}|${cls}`;
export const answerKey = (qname: Name, qtype: number): string => `a${nameKey(qname)}|${qtype}`;
/** RFC 2308 §5: an NXDOMAIN is about the name, whatever the type asked. */
export const nxdomainKey = (qname: Name): string => `x${nameKey(qname)}`;
export const badKey = (qname: Name, qtype: number): string => `b${nameKey(qname)}|${qtype}`;

/**
 * Bytes charged per object, calibrated with `npm run bench:memory` (Node 20 and 24) so that the charge is not below the
 * V8 heap really used: object headers, the Uint8Array behind every RDATA and every label of a Name, key
 * strings, the LRU's bookkeeping. A Name costs about 200 bytes a label (each label is its own Uint8Array).
 */
export const ENTRY_OVERHEAD_BYTES = 1000;
export const RR_OVERHEAD_BYTES = 450;
export const LABEL_OVERHEAD_BYTES = 220;

function rrBytes(rrs: readonly RR[]): number {
  let n = 0;
  for (const rr of rrs) n += RR_OVERHEAD_BYTES + rr.rdata.length;
  return n;
}

/** The owner Name object, shared by the records of an RRset (store.ts). */
function nameBytes(name: Name): number {
  return name.wireLength + name.labelCount * LABEL_OVERHEAD_BYTES;
}

/** The bytes an entry is charged (its key included, two bytes a character). */
export function entrySize(entry: Entry, key: string): number {
  const base = ENTRY_OVERHEAD_BYTES + key.length * 2;
  switch (entry.kind) {
    case 'rrset': return base + nameBytes(entry.name) + rrBytes(entry.rrs) + rrBytes(entry.sigs);
    case 'answer': return base + (entry.answer.length + entry.authority.length) * 64 + entry.verdict.reason.length * 2;
    case 'bad': return base + entry.result.verdict.reason.length * 2;
    case 'wire': return base + entry.bytes.length + entry.ttlAt.length * 8;
  }
}
