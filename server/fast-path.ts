/**
 * The hook a caching resolver offers the socket front ends (server/wire.ts): answer a query straight from a
 * stored response's bytes, and store the bytes of a response built the full way. A resolver without it is
 * served by handleQuery alone.
 */
import type { Message, Question } from '../resolver/wire/types.js';
import type { ResolveResult } from '../resolver/api.js';

/** A fast-path answer: the bytes, and for observers (query log) the question and a result whose record sections are left empty (not decoded). */
export interface WireAnswer {
  bytes: Uint8Array;
  question: Question;
  result: ResolveResult;
}

export interface WireFastPath {
  /**
   * The response for `query` when a stored one fits (ID, RD, question case and TTLs patched), else undefined.
   * `maxSize` gives the reply limit for the client's EDNS UDP size (undefined without EDNS).
   */
  answerFromWire(query: Uint8Array, maxSize: (udpSize: number | undefined) => number): WireAnswer | undefined;
  /** Offers the encoded `response` to `query`, built by handleQuery, for later fast-path answers. */
  rememberWire(query: Message, response: Message, bytes: Uint8Array): void;
}

/** The resolver's fast path, when it has one. */
export function fastPathOf(resolver: object): WireFastPath | undefined {
  const f = (resolver as { wireFastPath?: WireFastPath }).wireFastPath;
  return f && typeof f.answerFromWire === 'function' ? f : undefined;
}
