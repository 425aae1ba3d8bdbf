/**
 * The fast path: server/wire.ts answerWire over the cache. A question answered before comes back as the stored
 * bytes with ID, RD, question case and TTLs patched — the same bytes the full path would build (DO/AD/CD rules
 * of handler.ts included), with nothing sent upstream.
 */
import { describe, expect, it } from 'vitest';
import { answerWire } from '../../server/wire.js';
import { decodeMessage, encodeMessage } from '../../resolver/wire/message.js';
import { CLASS_IN, T, type Message } from '../../resolver/wire/types.js';
import { Name } from '../../resolver/wire/name.js';
import { findTtls, parseWireQuery } from '../../cache/wire-store.js';
import { cachedScenario } from './support.js';

interface Ask { name?: string; type?: number; id?: number; do?: boolean; ad?: boolean; cd?: boolean; rd?: boolean; edns?: boolean; udpSize?: number }

function query(a: Ask = {}): Uint8Array {
  const msg: Message = {
    id: a.id ?? 0x1234,
    flags: { qr: false, opcode: 0, aa: false, tc: false, rd: a.rd ?? true, ra: false, ad: a.ad ?? false, cd: a.cd ?? false },
    rcode: 0,
    question: [{ name: Name.parse(a.name ?? 'www.example.com.'), type: a.type ?? T.A, class: CLASS_IN }],
    answer: [], authority: [], additional: [],
  };
  if (a.edns ?? true) msg.edns = { udpSize: a.udpSize ?? 1232, version: 0, do: a.do ?? true, options: [] };
  return encodeMessage(msg);
}

const ask = (c: ReturnType<typeof cachedScenario>, q: Uint8Array): Promise<Uint8Array | undefined> => answerWire(q, c.cache, { protocol: 'udp' });

describe('wire fast path', () => {
  it('the second identical query is served from stored bytes: only the ID differs, nothing goes upstream', async () => {
    const c = cachedScenario();
    const first = (await ask(c, query({ id: 1 })))!;
    const sent = c.upstream();
    const second = (await ask(c, query({ id: 2 })))!;
    expect(c.upstream()).toBe(sent);
    expect(c.cache.stats().wireHits).toBe(1);
    expect(Array.from(second.subarray(2))).toEqual(Array.from(first.subarray(2)));
    expect(decodeMessage(second).id).toBe(2);
    const m = decodeMessage(second);
    expect([m.flags.ad, m.answer.some((r) => r.type === T.RRSIG)]).toEqual([true, true]);
  });

  it('observers (query log) see fast-path answers too: question, rcode and verdict', async () => {
    const c = cachedScenario();
    const seen: string[] = [];
    const ctx = { protocol: 'udp' as const, onResult: (q: { name: Name; type: number }, r: { rcode: number; verdict: { status: string } }) => seen.push(`${q.name} ${q.type} ${r.rcode} ${r.verdict.status}`) };
    await answerWire(query(), c.cache, ctx);
    await answerWire(query(), c.cache, ctx);
    expect(c.cache.stats().wireHits).toBe(1);
    expect(seen).toEqual(['www.example.com. 1 0 secure', 'www.example.com. 1 0 secure']);
    // The metrics hook (onAnswered) too: question type and rcode.
    const answered: string[] = [];
    await answerWire(query(), c.cache, { protocol: 'udp', onAnswered: (q: Message, r: Message) => answered.push(`${q.question[0]!.type} ${r.rcode}`) });
    expect(c.cache.stats().wireHits).toBe(2);
    expect(answered).toEqual(['1 0']);
  });

  it('TTLs count down, RD and the question case are the new query\'s', async () => {
    const c = cachedScenario();
    await ask(c, query());
    await ask(c, query());
    c.h.clock.advance(42_000);
    const m = decodeMessage((await ask(c, query({ name: 'WwW.ExAmple.com.', rd: false })))!);
    expect(c.cache.stats().wireHits).toBe(2);
    expect(m.answer.map((r) => r.ttl)).toEqual([3558, 3558]);
    expect(m.question[0]!.name.toString()).toBe('WwW.ExAmple.com.');
    expect(m.flags.rd).toBe(false);
    expect(m.edns?.do).toBe(true);
  });

  it('keys by DO, AD and CD: each flag set gets the response handler.ts builds for it', async () => {
    const c = cachedScenario();
    await ask(c, query());
    for (const variant of [{ do: false }, { do: false, ad: true }, { edns: false }, { cd: true }]) {
      const full = decodeMessage((await ask(c, query(variant)))!);
      const fast = decodeMessage((await ask(c, query(variant)))!);
      expect(fast).toEqual(full);
      const hasSig = full.answer.some((r) => r.type === T.RRSIG);
      // RFC 4035 §3.2.1 / RFC 6840 §5.7: RRSIGs only with DO; AD only to DO or AD, never with CD.
      expect([hasSig, full.flags.ad]).toEqual([variant.do ?? (variant.edns === false ? false : true), !variant.cd && (variant.ad === true || (variant.do ?? variant.edns !== false))]);
    }
  });

  it('does not store truncated UDP replies', async () => {
    const c = cachedScenario();
    const udp = decodeMessage((await ask(c, query({ name: 'big.example.com.', type: T.TXT, udpSize: 512 })))!);
    expect(udp.flags.tc).toBe(true);
    await ask(c, query({ name: 'big.example.com.', type: T.TXT, udpSize: 512 }));
    expect(c.cache.stats().wireHits).toBe(0);
  });

  it('after a refresh replaced the answer, the old bytes are not served', async () => {
    const c = cachedScenario({ prefetchShare: 0.5 });
    await ask(c, query());
    c.h.clock.advance(2000_000);
    await ask(c, query()); // a cache hit (full path) that starts a prefetch
    await c.timers.advance(0);
    expect(c.cache.stats().prefetches).toBe(1);
    const m = decodeMessage((await ask(c, query()))!);
    expect(m.answer[0]!.ttl).toBe(3600);
  });

  it('parseWireQuery refuses what the full path must judge: responses, other opcodes, EDNS version 1, extra sections', () => {
    const good = query();
    expect(parseWireQuery(good)).toBeDefined();
    const response = good.slice(); response[2]! |= 0x80;
    const notify = good.slice(); notify[2] = (notify[2]! & 0x87) | (4 << 3);
    const trailing = new Uint8Array([...good, 0]);
    const v1 = good.slice(); v1[good.length - 11 + 6] = 1;
    for (const b of [response, notify, trailing, v1, good.subarray(0, 14)]) expect(parseWireQuery(b)).toBeUndefined();
  });

  it('findTtls skips the OPT record (its TTL field holds EDNS flags)', () => {
    const msg: Message = {
      id: 1, flags: { qr: true, opcode: 0, aa: false, tc: false, rd: true, ra: true, ad: false, cd: false }, rcode: 0,
      question: [{ name: Name.parse('a.example.'), type: T.A, class: CLASS_IN }],
      answer: [{ name: Name.parse('a.example.'), type: T.A, class: CLASS_IN, ttl: 77, rdata: Uint8Array.from([1, 2, 3, 4]) }],
      authority: [], additional: [], edns: { udpSize: 1232, version: 0, do: true, options: [] },
    };
    expect(Array.from(findTtls(encodeMessage(msg))!.ttls)).toEqual([77]);
  });
});
