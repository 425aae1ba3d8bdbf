/**
 * The fast path (server/fast-path.ts) over the cache: a question answered before is served from the stored
 * response bytes — decode only the question, one map lookup, one copy — with ID, RD and TTLs patched. The
 * stored bytes are keyed by question and by the flags that change a response in handler.ts (DO, CD, AD, EDNS
 * present), so DO/AD/CD semantics stay exactly those of buildAnswer, which built the bytes in the first place.
 */
import type { Clock } from '../resolver/clock.js';
import type { Name } from '../resolver/wire/name.js';
import { CLASS_IN, RCODE } from '../resolver/wire/types.js';
import type { Message } from '../resolver/wire/types.js';
import type { WireAnswer, WireFastPath } from '../server/fast-path.js';
import type { AnswerEntry, WireEntry } from './entries.js';
import type { CacheStore } from './store.js';
import type { CacheStats } from './stats.js';
import { findTtls, parseWireQuery, patchResponse, wireKey } from './wire-store.js';
import { sentinelOf } from '../resolver/sentinel.js';

export class WireCache implements WireFastPath {
  constructor(
    private readonly store: CacheStore,
    private readonly stats: CacheStats,
    private readonly clock: Clock,
    private readonly hooks: { served(entry: AnswerEntry): void; asked(qname: Name, qtype: number): void },
  ) {}

  answerFromWire(query: Uint8Array, maxSize: (udpSize: number | undefined) => number): WireAnswer | undefined {
    const q = parseWireQuery(query);
    if (!q) return undefined;
    const e = this.store.lru.get(q.key);
    if (e?.kind !== 'wire') return undefined;
    const now = this.clock.now();
    // Served only while every TTL in it is alive and the answer it came from is still the current one.
    if (e.expiresAt <= now || this.store.answerEntry(q.qname, q.qtype) !== e.source) return undefined;
    if (e.bytes.length > maxSize(q.udpSize)) return undefined;
    this.stats.hits++;
    this.stats.wireHits++;
    this.hooks.asked(q.qname, q.qtype);
    this.hooks.served(e.source);
    const bytes = patchResponse(e.bytes, e.ttlAt, e.ttls, Math.floor((now - e.storedAt) / 1000), query, q.questionEnd);
    const { rcode, verdict } = e.source;
    return {
      bytes,
      question: { name: q.qname, type: q.qtype, class: CLASS_IN },
      result: { qname: q.qname, qtype: q.qtype, rcode, answer: [], authority: [], verdict },
    };
  }

  rememberWire(query: Message, response: Message, bytes: Uint8Array): void {
    const q = query.question[0];
    // Only full answers to validated queries: no CD (unvalidated data), no TC, no EDE (stale, errors), no SERVFAIL.
    if (!q || query.flags.cd || (bytes[2]! & 0x02) !== 0) return;
    // RFC 8509 sentinel answers depend on the trust anchors, which a reload may change: always computed.
    if (sentinelOf(q.name)) return;
    if (response.rcode !== RCODE.NOERROR && response.rcode !== RCODE.NXDOMAIN) return;
    if (response.edns?.options.length) return;
    const now = this.clock.now();
    const source = this.store.answerEntry(q.name, q.type);
    if (!source || source.expiresAt <= now || source.rcode !== response.rcode) return;
    const found = findTtls(bytes);
    if (!found) return;
    let least = Infinity;
    for (const ttl of found.ttls) least = Math.min(least, ttl);
    if (least === Infinity || least <= 0) return;
    const key = wireKey(q.name, q.type, query.edns?.do ?? false, query.flags.cd, query.flags.ad, query.edns !== undefined);
    const entry: WireEntry = { kind: 'wire', bytes: bytes.slice(), ttlAt: found.at, ttls: found.ttls, storedAt: now, expiresAt: now + least * 1000, source };
    this.store.lru.set(key, entry);
  }
}
